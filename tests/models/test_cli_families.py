"""Every model family end to end: `mieb run -t <offline task> -m <model>` through the real CLI, in process,
on each family's tiny checkpoint (built and saved as the real ones are, loaded by the family's own loader).

Families whose backend needs the extras environment (open_clip, colpali_engine, peft + torchvision) are
marked `extras` and skipped where the backend is missing; the API families (Cohere, Voyage) run against the
loopback server of `api_provider.py`.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from api_provider import serve
from colvision_builders import make_tiny_colqwen, make_tiny_colqwen3, make_tiny_colsmol
from model_builders import (
    STAND_INS,
    make_tiny_align,
    make_tiny_bge_vl,
    make_tiny_blip,
    make_tiny_blip2,
    make_tiny_clip,
    make_tiny_colpali,
    make_tiny_colqwen35,
    make_tiny_dinov2,
    make_tiny_dinov3,
    make_tiny_e5v,
    make_tiny_ebind,
    make_tiny_jina_clip,
    make_tiny_nomic_vision,
    make_tiny_openclip,
    make_tiny_qwen3vl,
    make_tiny_sauerkraut_colqwen3,
    make_tiny_sentence_transformer,
    make_tiny_siglip,
    make_tiny_timm_vit,
    make_tiny_visualized_bge,
    make_tiny_vlm2vec,
)

from mieb.models.meta import ModelMeta
from mieb.models.registry import _cards, get_model_meta, get_model_metas

MLLM = ("sentence_transformers", "peft", "torchvision")  # the `mllm` extra


class Case(NamedTuple):
    family: str
    # tmp folder -> what `-m` gets, or a card registered for the test under its name (families whose
    # checkpoints are not transformers folders)
    model: Callable[[Path], str | ModelMeta]
    task: str = "ShapesZeroShot"
    needs: tuple[str, ...] = ()  # backend modules (the extras environment)
    flags: tuple[str, ...] = ()
    stand_in: str | None = None  # a package of stand_ins/ importable for the run (see stand_ins/README.md)
    # A registered card run on the tiny checkpoint: `-m <card>` with the card's weights pointed at the folder
    # `model` built, its loader options updated by `options(tmp)` (float32 for the tiny weights).
    card: str | None = None
    options: Callable[[Path], dict] = lambda tmp: {}
    hub: bool = False  # `model` is a card name, loaded from tiny stand-ins served as its Hub repositories


def built(builder: Callable[..., Path], **kw: object) -> Callable[[Path], str]:
    return lambda tmp: str(builder(tmp / "model", **kw))


CASES = [
    Case("clip", built(make_tiny_clip)),
    Case("siglip", built(make_tiny_siglip)),
    Case("dinov2", built(make_tiny_dinov2), task="ShapesClassification"),
    Case("blip", built(make_tiny_blip)),
    Case("align", built(make_tiny_align)),
    Case("jina-clip", built(make_tiny_jina_clip, version=1), flags=("--trust-remote-code",)),
    Case("jina-clip", built(make_tiny_jina_clip, version=2), flags=("--trust-remote-code",)),
    Case("nomic-vision", built(make_tiny_nomic_vision), flags=("--trust-remote-code",)),
    Case("e5-v", built(make_tiny_e5v)),
    Case("cohere", lambda tmp: "cohere/embed-english-v3.0"),
    Case("voyage", lambda tmp: "voyageai/voyage-multimodal-3"),
    Case("openclip", built(make_tiny_openclip, kind="vit"), needs=("open_clip",)),
    Case("evaclip", built(make_tiny_openclip, kind="eva02"), needs=("open_clip", "timm")),
    # Multi-vector: retrieval (the reference's zero-shot path has no multi-vector scoring).
    Case("colpali", built(make_tiny_colpali), task="ShapesT2IRetrieval", needs=("colpali_engine",)),
    Case("vlm2vec", built(make_tiny_vlm2vec), needs=("peft", "torchvision")),
    Case("colqwen", built(make_tiny_colqwen, version="2"), task="ShapesDocumentRetrieval", needs=("colpali_engine",)),
    Case("colqwen", built(make_tiny_colqwen, version="2.5"), task="ShapesIT2TRetrieval", needs=("colpali_engine",)),
    Case("colsmol", built(make_tiny_colsmol), task="ShapesT2IRetrieval", needs=("colpali_engine",)),
    Case("tomoro-colqwen3", built(make_tiny_colqwen3, variant="tomoro"), task="ShapesIT2TRetrieval", needs=("torchvision",),
         flags=("--trust-remote-code",)),
    Case("ops-colqwen3", built(make_tiny_colqwen3, variant="ops"), task="ShapesDocumentRetrieval",
         needs=("torchvision",), flags=("--trust-remote-code",)),
    Case("dinov3", built(make_tiny_dinov3), task="ShapesClassification", needs=("torchvision",)),
    Case("timm", built(make_tiny_timm_vit), task="ShapesClassification", needs=("timm", "torchvision")),
    Case("blip2", built(make_tiny_blip2)),
    Case("bge-vl", built(make_tiny_bge_vl)),
    Case("ebind", built(make_tiny_ebind), stand_in="ebind"),
    Case("visualized-bge", lambda tmp: visualized_bge_card(tmp), needs=("timm",)),
    # Zoo part 3: registered cards on tiny checkpoints (remote-code families on stand-in remote code).
    Case("colqwen3.5", built(make_tiny_colqwen35), task="ShapesT2IRetrieval", needs=("colpali_engine",),
         card="vultr/VultronRetrieverFlash-Qwen3.5-0.8B"),
    Case("argus", built(make_tiny_colqwen35, remote="colvision"), task="ShapesT2IRetrieval",
         needs=("colpali_engine",), flags=("--trust-remote-code",), card="DataScience-UIBK/Argus-Colqwen3.5-2b-v0"),
    Case("webai-colvec1", built(make_tiny_colqwen35, remote="colvision", output_object=False),
         task="ShapesT2IRetrieval", needs=("colpali_engine",), flags=("--trust-remote-code",),
         card="webAI-Official/webAI-ColVec1-4b"),
    Case("granite-vision", built(make_tiny_colqwen35, remote="colvision", output_object=False),
         task="ShapesT2IRetrieval", needs=("colpali_engine",), flags=("--trust-remote-code",),
         card="ibm-granite/granite-vision-3.3-2b-embedding"),
    Case("sauerkraut-colpali", built(make_tiny_sauerkraut_colqwen3), task="ShapesT2IRetrieval",
         needs=("sauerkrautlm_colpali", "torchvision"), card="VAGOsolutions/SauerkrautLM-ColQwen3-2b-v0.1"),
    Case("nemotron-colembed", built(make_tiny_colqwen35, remote="nvidia_colembed"), task="ShapesT2IRetrieval",
         needs=("colpali_engine",), flags=("--trust-remote-code",), card="nvidia/nemotron-colembed-vl-4b-v2"),
    Case("jina-v4", built(make_tiny_colqwen35, remote="jina_v4"), task="ShapesT2IRetrieval",
         needs=("colpali_engine",), flags=("--trust-remote-code",), card="jinaai/jina-embeddings-v4"),
    Case("eager-embed", built(make_tiny_qwen3vl), task="ShapesT2IRetrieval", needs=("qwen_vl_utils", "torchvision"),
         card="eagerworks/eager-embed-v1"),
    Case("nanovdr", lambda tmp: str(make_tiny_sentence_transformer(tmp / "model")), task="ShapesT2IRetrieval",
         needs=("sentence_transformers", "qwen_vl_utils", "torchvision"), card="nanovdr/NanoVDR-S-Multi",
         options=lambda tmp: {"teacher": str(make_tiny_qwen3vl(tmp / "teacher")), "teacher_revision": None,
                              "teacher_dtype": "float32"}),
    # The lexical baseline reads the text of image+text queries (no weights: the card as it is).
    Case("bm25", lambda tmp: "mteb/baseline-bm25s", task="ShapesMultipleChoice", needs=("bm25s", "Stemmer")),
    Case("lco-embedding", lambda tmp: "LCO-Embedding/LCO-Embedding-Omni-3B", needs=MLLM, hub=True),
    Case("e5-omni", lambda tmp: "Haon-Chen/e5-omni-3B", needs=MLLM, hub=True, flags=("--trust-remote-code",)),
    Case("omniembed", lambda tmp: "Tevatron/OmniEmbed-v0.1", needs=MLLM, hub=True, flags=("--trust-remote-code",)),
    Case("bidirlm-omni", lambda tmp: "BidirLM/BidirLM-Omni-2.5B-Embedding", needs=MLLM, hub=True,
         flags=("--trust-remote-code",)),
    Case("jina-v5-omni", lambda tmp: "jinaai/jina-embeddings-v5-omni-nano", needs=MLLM, hub=True,
         flags=("--trust-remote-code",)),
    Case("qwen3-vl-embedding", lambda tmp: "Qwen/Qwen3-VL-Embedding-2B", needs=MLLM, hub=True),
    Case("bge-vl-mllm", lambda tmp: "BAAI/BGE-VL-MLLM-S1", needs=MLLM, hub=True, flags=("--trust-remote-code",)),
    Case("gme", lambda tmp: "Alibaba-NLP/gme-Qwen2-VL-2B-Instruct", needs=MLLM, hub=True),
]
# Families no offline task can run: text-only embedders need text on both sides, and the offline world's
# text-only tasks do not exist (they run end to end in their own test module).
NO_OFFLINE_TASK = {"sentence-transformers": "tests/models/test_sentence_transformers.py"}
IDS = [
    "clip",
    "siglip",
    "dinov2",
    "blip",
    "align",
    "jina-clip-v1",
    "jina-clip-v2",
    "nomic-vision",
    "e5-v",
    "cohere",
    "voyage",
    "openclip",
    "evaclip",
    "colpali",
    "vlm2vec",
    "colqwen2",
    "colqwen2.5",
    "colsmol",
    "colqwen3-tomoro",
    "colqwen3-ops",
    "dinov3",
    "timm",
    "blip2",
    "bge-vl",
    "ebind",
    "visualized-bge",
    "colqwen3.5",
    "argus",
    "webai-colvec1",
    "granite-vision",
    "sauerkraut-colpali",
    "nemotron-colembed",
    "jina-v4",
    "eager-embed",
    "nanovdr",
    "bm25",
    "lco-embedding",
    "e5-omni",
    "omniembed",
    "bidirlm-omni",
    "jina-v5-omni",
    "qwen3-vl-embedding",
    "bge-vl-mllm",
    "gme",
]


def visualized_bge_card(tmp: Path) -> ModelMeta:
    """The bge-visualized-base card on a tiny checkpoint (its weights are one .pth file, not a folder card)."""
    from model_builders import TINY_EVA

    folder = make_tiny_visualized_bge(tmp / "model")
    card = get_model_meta("BAAI/bge-visualized-base")
    assert card.image is not None
    return card.model_copy(update={
        "name": "test/tiny-visualized-bge", "weights": str(folder),
        "image": card.image.model_copy(update={"size": 32, "crop_size": 32}),
        "loader_kwargs": {**card.loader_kwargs, "weights_file": "visualized.pth",
                          "text_model": str(folder / "bge"), "text_revision": None, "timm_kwargs": TINY_EVA}})


def test_every_family_has_a_case() -> None:
    assert {m.family for m in get_model_metas()} == {c.family for c in CASES} | set(NO_OFFLINE_TASK)


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=[pytest.mark.extras] if c.needs else []) for c in CASES], ids=IDS
)
def test_cli_run(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.cli import main

    for module in case.needs:
        pytest.importorskip(module)
    if case.stand_in:
        monkeypatch.syspath_prepend(str(STAND_INS))
        monkeypatch.delitem(sys.modules, case.stand_in, raising=False)  # the stand-in leaves with the test
    model = case.model(tmp_path)
    if isinstance(model, ModelMeta):
        monkeypatch.setitem(_cards(), model.name, model)
        model = model.name
    if case.card is not None:
        from mieb.models import registry

        meta = registry.get_model_meta(case.card)
        local = meta.model_copy(update={"weights": model, "revision": None,
                                        "loader_kwargs": {**meta.loader_kwargs, **case.options(tmp_path)}})
        cards = {**registry._cards(), case.card: local}
        monkeypatch.setattr(registry, "_cards", lambda: cards)
        model = case.card
    if case.hub:
        from mllm_builders import offline_hub, tiny_hub_repos

        offline_hub(monkeypatch, tmp_path / "hub", tiny_hub_repos(model, tmp_path / "tiny"))
    out = tmp_path / "results"
    args = [
        "run",
        "-t",
        case.task,
        "-m",
        model,
        "--output-folder",
        str(out),
        "--no-progress",
        "--device",
        "cpu",
        "--batch-size",
        "8",
        "--num-workers",
        "0",
        "--no-cache",
        *case.flags,
    ]
    with serve(monkeypatch, []):
        # The providers' rate limits (Cohere: 40 images a minute) do not apply to the loopback server.
        from mieb.models.wrappers import cohere, voyage

        monkeypatch.setattr(
            cohere,
            "load",
            functools.partial(cohere.load, images_per_minute=60_000.0, requests_per_minute=60_000.0),
        )
        monkeypatch.setattr(voyage, "load", functools.partial(voyage.load, requests_per_minute=60_000.0))
        rc = main(args)
    errors = [json.loads(e.read_text())["error"] for e in out.rglob("errors/*.json")]
    assert rc == 0, errors
    (result,) = out.rglob(f"{case.task}.json")
    assert json.loads(result.read_text())["scores"]["test"][0]["main_score"] >= 0.0
    (card,) = out.rglob("model_meta.json")
    assert json.loads(card.read_text())["family"] == case.family
