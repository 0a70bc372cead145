"""Model lookup: cards by name (lazy, no backend imported), local checkpoint folders, and loading."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import pkgutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mieb.errors import MissingDependencyError, UnknownNameError, UsageError
from mieb.importing import load_object
from mieb.models.meta import ModelMeta
from mieb.paths import safe_component

if TYPE_CHECKING:
    from mieb.models.encoder import Encoder

# config.json "model_type" -> "module:function" building a card for a local folder of that architecture.
LOCAL_FOLDER_CARDS: dict[str, str] = {
    "clip": "mieb.models.cards.clip:card_for_folder",
    "siglip": "mieb.models.cards.siglip:card_for_folder",
    "dinov2": "mieb.models.cards.dinov2:card_for_folder",
    "blip": "mieb.models.cards.blip:card_for_folder",
    "align": "mieb.models.cards.align:card_for_folder",
    "llava_next": "mieb.models.cards.e5v:card_for_folder",
    "colpali": "mieb.models.cards.colpali:card_for_folder",
    "paligemma": "mieb.models.cards.colpali:card_for_folder",
    "jina_clip": "mieb.models.cards.jina_clip:card_for_folder",
    "nomic_bert": "mieb.models.cards.nomic_vision:card_for_folder",
    "dinov3_vit": "mieb.models.cards.dinov3:card_for_folder",
    "blip-2": "mieb.models.cards.blip2:card_for_folder",
    "ebind": "mieb.models.cards.ebind:card_for_folder",
    "colqwen3": "mieb.models.cards.colqwen3:card_for_folder",
    "ops_colqwen3": "mieb.models.cards.colqwen3:card_for_folder",
}
# config.json "architectures" entry -> card builder, checked before "model_type" (for architectures that share
# a backbone's model_type with other families, e.g. colpali_engine's ColQwen2 saves a "qwen2_vl" config).
LOCAL_FOLDER_ARCHITECTURES: dict[str, str] = {
    "ColQwen2": "mieb.models.cards.colpali:card_for_folder",
    "ColQwen2_5": "mieb.models.cards.colpali:card_for_folder",
    "ColIdefics3": "mieb.models.cards.colpali:card_for_folder",
}
# Folders without a transformers config.json, recognised by a marker file instead.
LOCAL_FOLDER_MARKERS: dict[str, str] = {
    "open_clip_config.json": "mieb.models.cards.openclip:card_for_folder",
    "adapter_config.json": "mieb.models.cards.vlm2vec:card_for_folder",
}
# config.json auto_map["AutoModel"] (the remote code of a known family) -> card builder, ahead of model_type:
# such checkpoints share a model_type with the architecture they extend but embed differently.
LOCAL_FOLDER_AUTO_MAP: dict[str, str] = {
    "modeling_MMRet_CLIP.CLIPModel": "mieb.models.cards.bge_vl:card_for_folder",
}
# Folders whose config.json names a timm `architecture` (and no transformers model_type).
TIMM_FOLDER_CARD = "mieb.models.cards.timm_image:card_for_folder"
# Python modules a card's `extra` installs, checked before loading so a missing backend fails first.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "openclip": ("open_clip", "timm", "torchvision"),
    "siglip": ("sentencepiece",),
    "colpali": ("colpali_engine", "peft", "torchvision"),
    # transformers 5's Qwen2-VL processor builds a video processor, which needs torchvision.
    "vlm2vec": ("peft", "torchvision"),
    # Qwen3-VL's processor builds a video processor, which needs torchvision.
    "colqwen3": ("torchvision",),
    # DINOv3's image processor exists only with transformers' torchvision backend.
    "dinov3": ("torchvision",),
    "timm": ("timm", "torchvision"),
    "ebind": ("ebind",),
    "sauerkraut": ("sauerkrautlm_colpali", "torchvision"),
    "sentence-transformers": ("sentence_transformers",),
    "bm25s": ("bm25s", "Stemmer"),
    # qwen-vl-utils resizes images as the reference's eager-embed and NanoVDR wrappers do; Qwen3-VL's processor
    # builds a video processor, which needs torchvision.
    "qwen-vl": ("qwen_vl_utils", "torchvision"),
    "nanovdr": ("sentence_transformers", "qwen_vl_utils", "torchvision"),
    # jina-embeddings-v4's remote code loads its task adapters with peft on a Qwen2.5-VL backbone.
    "jina-v4": ("peft", "torchvision"),
    # NVIDIA ColEmbed's remote code: v1 for transformers 4.49, v2 for 5.0 (the extras pin them).
    "nemotron-colembed-v1": ("torchvision", "accelerate"),
    "nemotron-colembed-v2": ("torchvision", "accelerate"),
    # Multimodal-LLM embedders: Qwen-VL / Qwen-Omni processors (torchvision), sentence-transformers' multimodal
    # models, PEFT adapters.
    "mllm": ("sentence_transformers", "peft", "torchvision"),
}


@cache
def _cards() -> dict[str, ModelMeta]:
    from mieb.models import cards

    out: dict[str, ModelMeta] = {}
    for info in sorted(pkgutil.iter_modules(cards.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{cards.__name__}.{info.name}")
        for meta in getattr(module, "MODELS", []):
            if meta.name in out:
                raise ValueError(f"duplicate model card {meta.name!r} (in {module.__name__})")
            out[meta.name] = meta
    facts = _training_facts()
    for name, meta in out.items():
        known = facts.get(name)
        if known is not None:  # a card's own fields win; the reference's facts fill what it leaves unset
            update = {k: known[k] for k in _FACT_FIELDS if getattr(meta, k) is None and known.get(k) is not None}
            if update:
                out[name] = meta.model_copy(update=update)
    return out


_FACT_FIELDS = ("training_datasets", "public_training_data", "public_training_code")


@cache
def _training_facts() -> dict[str, dict[str, Any]]:
    """The reference's training-data facts per model name (models/data/training_facts.json)."""
    from importlib import resources

    text = resources.files("mieb.models").joinpath("data/training_facts.json").read_text(encoding="utf-8")
    models: dict[str, dict[str, Any]] = json.loads(text)["models"]
    return models


def model_names() -> list[str]:
    return list(_cards())


def get_model_meta(name: str, revision: str | None = None) -> ModelMeta:
    """The card of a registered model, or one built for a local checkpoint folder.

    Raises `UnknownNameError` for an unknown name, and `UsageError` for a path ("./ckpt", "/data/ckpt",
    "~/ckpt") that does not exist or is not a checkpoint folder mieb can read.
    """
    cards = _cards()
    path = Path(name).expanduser()
    if name in cards:
        meta = cards[name]
    elif path.is_dir():
        meta = card_for_local_folder(path)
    elif _looks_like_path(name):
        what = "is a file, not a checkpoint folder" if path.exists() else "does not exist"
        raise UsageError(f"model folder {name} {what} (a local checkpoint is a folder with config.json and the "
                         "weights, as save_pretrained writes it)")
    else:
        raise UnknownNameError("model", name, cards)
    if revision is not None and revision != meta.revision:
        # model_copy skips validation: check the revision here, before it names a folder or a download
        meta = meta.model_copy(update={"revision": safe_component(revision, "model revision")})
    return meta


def _looks_like_path(name: str) -> bool:
    """A name written as a path (card names are "org/model", never "./x", "/x", "~/x" or "x/")."""
    return name.startswith((".", "/", "~", "\\")) or name.endswith(("/", "\\")) or name.count("/") > 1


def model_families() -> list[str]:
    """The families of the registered cards ("clip", "siglip", ...), sorted."""
    return sorted({m.family for m in _cards().values()})


def get_model_metas(
    names: Iterable[str] | None = None,
    *,
    families: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
    open_weights: bool | None = None,
) -> list[ModelMeta]:
    """Registered cards (or those named), filtered; an unknown family raises `UnknownNameError`."""
    metas = [get_model_meta(n) for n in names] if names is not None else list(_cards().values())
    if families is not None:
        known = model_families()
        fams = {f.lower() for f in families}
        for f in families:
            if f.lower() not in {k.lower() for k in known}:
                raise UnknownNameError("model family", f, known, hint=f"Families: {', '.join(known)}.")
        metas = [m for m in metas if m.family.lower() in fams]
    if modalities is not None:
        mods = set(modalities)
        metas = [m for m in metas if mods <= set(m.modalities)]
    if open_weights is not None:
        metas = [m for m in metas if m.open_weights == open_weights]
    return metas


def get_model(
    name: str | ModelMeta,
    revision: str | None = None,
    device: str | None = None,
    precision: str | None = None,
    *,
    trust_remote_code: bool = False,
    **kwargs: Any,
) -> Encoder:
    """Load a model by card name, card, or local checkpoint folder; returns an `Encoder`.

    A card with `trust_remote_code=True` runs Python code shipped with the checkpoint, so it loads only
    when the caller passes `trust_remote_code=True` (`mieb run --trust-remote-code`).
    """
    meta = name if isinstance(name, ModelMeta) else get_model_meta(name, revision)
    check_loadable(meta, trust_remote_code)
    if meta.trust_remote_code:
        kwargs["trust_remote_code"] = True
    return load_object(meta.loader)(meta, device=device, precision=precision, **kwargs)


def check_loadable(meta: ModelMeta, trust_remote_code: bool = False) -> None:
    """Refuse, before anything is imported or downloaded, a model whose backend is missing or whose
    remote code the user has not agreed to run, or whose card says it cannot be run."""
    if meta.unavailable:
        raise UsageError(f"model {meta.name} cannot be run: {meta.unavailable}")
    if meta.trust_remote_code and not trust_remote_code:
        raise UsageError(
            f"model {meta.name} runs Python code from its checkpoint repository (trust_remote_code), which "
            "mieb does not do unless asked: pass --trust-remote-code to `mieb run` (or trust_remote_code=True "
            "to get_model) if you trust that code"
        )
    for module in EXTRA_MODULES.get(meta.extra or "", ()):
        if importlib.util.find_spec(module) is None:
            raise MissingDependencyError(module, meta.extra, f"model {meta.name}")


def card_for_local_folder(path: Path) -> ModelMeta:
    for marker, builder in LOCAL_FOLDER_MARKERS.items():
        if (path / marker).is_file():
            return load_object(builder)(path)
    config_file = path / "config.json"
    if not config_file.is_file():
        raise UsageError(f"{path} is not a checkpoint folder mieb can read: it has no config.json (nor "
                         f"{' or '.join(LOCAL_FOLDER_MARKERS)})")
    config = json.loads(config_file.read_text())
    for arch in config.get("architectures") or []:
        if arch in LOCAL_FOLDER_ARCHITECTURES:
            return load_object(LOCAL_FOLDER_ARCHITECTURES[arch])(path, config)
    model_type = config.get("model_type")
    auto_model = str(config.get("auto_map", {}).get("AutoModel", "")).split("--")[-1]
    card_builder = LOCAL_FOLDER_AUTO_MAP.get(auto_model)
    if card_builder is None and model_type is None and "architecture" in config:  # timm's save_for_hf layout
        card_builder = TIMM_FOLDER_CARD
    if card_builder is not None:
        return load_object(card_builder)(path, config)
    if model_type not in LOCAL_FOLDER_CARDS:
        raise UsageError(
            f"{path}: local checkpoints of model_type {model_type!r} are not supported; "
            f"supported: {sorted(LOCAL_FOLDER_CARDS)}"
        )
    return load_object(LOCAL_FOLDER_CARDS[model_type])(path, config)


def folder_revision(path: Path) -> str:
    """A content hash of a checkpoint folder's weight files, so distinct checkpoints get distinct results."""
    h = hashlib.sha256()
    weight_files = sorted(
        p for p in path.iterdir() if p.suffix in {".safetensors", ".bin", ".pt", ".pth"} and p.is_file()
    )
    for p in weight_files:
        h.update(p.name.encode())
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()[:16]
