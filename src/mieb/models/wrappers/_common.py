"""Helpers every wrapper family shares: weights resolution, pooled outputs, optional backends,
preprocessing checks. A new family's wrapper imports its plumbing from here."""

from __future__ import annotations

import importlib
import logging
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

from mieb.errors import MissingDependencyError
from mieb.models.cards._folder import image_preprocessing_from_folder
from mieb.models.meta import ModelMeta

logger = logging.getLogger(__name__)


def resolve_weights(meta: ModelMeta) -> tuple[str, str | None]:
    """(what from_pretrained gets, revision): a hub id with the card's revision, or a local folder."""
    source = meta.weights_source
    if source.startswith("bundled:"):
        folder = resources.files("mieb.models") / "weights" / source.removeprefix("bundled:")
        return str(Path(str(folder))), None
    if Path(source).is_dir():
        return source, None
    return source, meta.revision


def pooled(output: Any) -> torch.Tensor:
    """transformers 5 returns a model output from get_*_features; 4.x returned the tensor."""
    return output if isinstance(output, torch.Tensor) else output.pooler_output


def require(module: str, extra: str | None, purpose: str) -> ModuleType:
    """Import an optional backend, or fail with the pip command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        if e.name is not None and e.name.split(".")[0] != module.split(".")[0]:
            raise  # the backend is there but one of its own imports failed: show the real error
        raise MissingDependencyError(module.split(".")[0], extra, purpose) from e


def check_no_options(meta: ModelMeta, kwargs: dict[str, Any], allowed: tuple[str, ...] = ()) -> None:
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected options for {meta.name}: {unknown}")


def check_preprocessing(meta: ModelMeta) -> None:
    """Warn when the checkpoint's `preprocessor_config.json` disagrees with the card that drives the data
    pipeline (the card wins: it is what results record)."""
    if meta.image is None or meta.image.input != "tensor":
        return
    config = hub_file(meta, "preprocessor_config.json")
    if config is None:
        return
    found = image_preprocessing_from_folder(config.parent, meta.image)
    diff = {k: (getattr(meta.image, k), getattr(found, k)) for k in type(found).model_fields
            if getattr(meta.image, k) != getattr(found, k)}
    if diff:
        logger.warning("model %s: card preprocessing differs from the checkpoint's preprocessor_config.json "
                       "(card, checkpoint): %s", meta.name, diff)


def dtype_kwarg(dtype: torch.dtype) -> dict[str, torch.dtype]:
    """transformers 5 names it `dtype`, 4.x `torch_dtype`."""
    import transformers

    return {"dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype": dtype}


def tokenizer_kwargs(meta: ModelMeta) -> dict[str, Any]:
    """Tokenizer call options from the card: padding mode, truncation at the card's (or the tokenizer's)
    maximum length."""
    assert meta.text is not None
    out: dict[str, Any] = {"padding": "max_length" if meta.text.padding == "max_length" else True,
                           "truncation": True, "return_tensors": "pt"}
    if meta.text.max_length is not None:
        out["max_length"] = meta.text.max_length
    return out


def hub_file(meta: ModelMeta, filename: str) -> Path | None:
    """A file of the card's checkpoint (local folder, or downloaded at the card's revision), if it exists."""
    source, revision = resolve_weights(meta)
    if Path(source).is_dir():
        path = Path(source) / filename
        return path if path.is_file() else None
    from huggingface_hub import hf_hub_download

    try:
        return Path(hf_hub_download(source, filename, revision=revision))
    except Exception:  # noqa: BLE001 - absent file (or offline): the caller falls back to the card
        return None


def to_device_inputs(inputs: Any, device: torch.device, dtype: torch.dtype | None = None) -> dict[str, Any]:
    """A processor's outputs on `device`; floating tensors (pixel values) cast to `dtype` when given, the
    weights' dtype of a half-precision model (integer ids and masks keep theirs)."""
    def move(v: torch.Tensor) -> torch.Tensor:
        return v.to(device, dtype=dtype) if dtype is not None and v.is_floating_point() else v.to(device)

    return {k: move(v) if isinstance(v, torch.Tensor) else v for k, v in dict(inputs).items()}
