"""ColQwen3 retrievers with their own Hub code (`trust_remote_code`; the `colqwen3` extra): TomoroAI's
tomoro-colqwen3-embed (Qwen3-VL + a 320-d projection, bf16 weights, at most 1280 visual tokens per page) and
OpenSearch-AI's Ops-Colqwen3 (2560-d token embeddings, fp16 weights), the reference's dtypes. See `mieb.models.wrappers.colqwen3`.

Revisions are the published results' (the reference's Tomoro cards name later commits: docs/deviations.md D19).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

OPS_LANGUAGES = [
    "afr-Latn", "ara-Arab", "aze-Latn", "bel-Cyrl", "bul-Cyrl", "ben-Beng", "cat-Latn", "ceb-Latn", "ces-Latn",
    "cym-Latn", "dan-Latn", "deu-Latn", "ell-Grek", "eng-Latn", "spa-Latn", "est-Latn", "eus-Latn", "fas-Arab",
    "fin-Latn", "fra-Latn", "glg-Latn", "guj-Gujr", "heb-Hebr", "hin-Deva", "hrv-Latn", "hat-Latn", "hun-Latn",
    "hye-Armn", "ind-Latn", "isl-Latn", "ita-Latn", "jpn-Jpan", "jav-Latn", "kat-Geor", "kaz-Cyrl", "khm-Khmr",
    "kan-Knda", "kor-Hang", "kir-Cyrl", "lao-Laoo", "lit-Latn", "lav-Latn", "mkd-Cyrl", "mal-Mlym", "mon-Cyrl",
    "mar-Deva", "msa-Latn", "mya-Mymr", "nep-Deva", "nld-Latn", "nor-Latn", "nob-Latn", "nno-Latn", "pan-Guru",
    "pol-Latn", "por-Latn", "que-Latn", "ron-Latn", "rus-Cyrl", "sin-Sinh", "slk-Latn", "slv-Latn", "swa-Latn",
    "tam-Taml", "tel-Telu", "tha-Thai", "tgl-Latn", "tur-Latn", "ukr-Cyrl", "urd-Arab", "vie-Latn", "yor-Latn",
    "zho-Hans",
]


def _card(name: str, revision: str, *, family: str, loader: str, n_parameters: int, embed_dim: int, release_date: str,
          precision: str, loader_kwargs: dict[str, Any], fusion: str | None, languages: list[str]) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=f"mieb.models.wrappers.colqwen3:{loader}",
        family=family,
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        similarity="max_sim",
        precision=precision,
        fusion=fusion,
        # rgb="keep": the reference hands the decoded image to the same remote-code processor as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs=loader_kwargs,
        license="apache-2.0",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        languages=languages,
        framework=["PyTorch", "Transformers"],
        # A fixed query prompt, no task instructions (the reference's use_instructions=True notwithstanding).
        uses_instructions=False,
        trust_remote_code=True,
        extra="colqwen3",
    )


def _tomoro(name: str, revision: str, n_parameters: int) -> ModelMeta:
    return _card(name, revision, family="tomoro-colqwen3", loader="load_tomoro", n_parameters=n_parameters, embed_dim=320,
                 release_date="2025-11-26", precision="bf16", loader_kwargs={"max_num_visual_tokens": 1280},
                 fusion="joint", languages=["eng-Latn"])


MODELS = [
    _tomoro("TomoroAI/tomoro-colqwen3-embed-4b", "4123a7add987edfa09105b9e420d91dffa10e9fd", 4_000_000_000),
    _tomoro("TomoroAI/tomoro-colqwen3-embed-8b", "5ba6feafdc0b61bfa2348989e80ac06ccf1a0a3f", 8_000_000_000),
    _card("OpenSearch-AI/Ops-Colqwen3-4B", "4894b7d451ff33981650acc693bb482dbef302d3", family="ops-colqwen3",
          loader="load_ops",
          n_parameters=4_800_000_000, embed_dim=2560, release_date="2026-01-24", precision="fp16", loader_kwargs={},
          fusion=None, languages=OPS_LANGUAGES),
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local checkpoint of either layout (config model_type "colqwen3" or "ops_colqwen3", its
    remote code beside it), from the published card of that layout."""
    from mieb.models.registry import folder_revision

    template = MODELS[0] if config.get("model_type") == "colqwen3" else MODELS[2]
    return template.model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path), embed_dim=config.get("embed_dim"),
        reference=str(path.resolve()),
        release_date=None, languages=["eng-Latn"],
    ))
