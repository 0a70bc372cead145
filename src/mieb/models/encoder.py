"""The encoder interface every model wrapper implements.

A wrapper only turns an already prepared batch into embeddings. The framework (`mieb.runner.embedder`)
owns batching, decoding and resizing in DataLoader workers, normalisation on the device, mixed
precision, caching and validation of outputs, so every model gets the same fast path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch

from mieb.errors import ModalityError
from mieb.models.meta import ModelMeta

Precision = Literal["fp32", "fp16", "bf16"]
PromptType = Literal["query", "document"]
_DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16}


@dataclass(frozen=True)
class EncodeContext:
    """What a wrapper may want to know about the inputs: instruction-aware models use it."""

    task_name: str | None = None
    task_type: str | None = None
    category: str | None = None
    prompt_type: PromptType | None = None
    instruction: str | None = None


def resolve_device(device: str | None) -> torch.device:
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.isdigit():
        return torch.device(f"cuda:{device}")
    return torch.device(device)


def resolve_precision(precision: str | None, device: torch.device) -> Precision:
    """fp32 on CPU (the reference's numbers); bf16 (or fp16 without bf16 support) autocast on CUDA."""
    if precision in (None, "auto"):
        if device.type == "cuda":
            return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        return "fp32"
    if precision not in ("fp32", "fp16", "bf16"):
        raise ValueError(f"precision must be fp32, fp16 or bf16, not {precision!r}")
    return precision  # type: ignore[return-value]


class Encoder:
    """Base class of model wrappers.

    Image inputs arrive as the card's `image.input` says: a float tensor (B, 3, H, W) already
    normalised and on `self.device` ("tensor"), a list of RGB PIL images ("pil"), or a list of encoded
    bytes ("bytes"). Outputs are (B, d) tensors or arrays; the framework converts and checks them.
    """

    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        self.meta = meta
        self.device = resolve_device(device)
        self.precision: Precision = resolve_precision(precision, self.device)

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def modalities(self) -> list[str]:
        return list(self.meta.modalities)

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        """Inference mode plus, off fp32, autocast to the configured half precision."""
        with torch.inference_mode():
            if self.precision == "fp32":
                yield
            else:
                with torch.autocast(device_type=self.device.type, dtype=_DTYPES[self.precision]):
                    yield

    def encode_images(self, images: Any, ctx: EncodeContext) -> Any:
        raise ModalityError(f"model {self.name} does not encode images")

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> Any:
        raise ModalityError(f"model {self.name} does not encode text")

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> Any:
        """Joint image+text inputs, for models whose card says fusion="joint"."""
        raise ModalityError(f"model {self.name} does not encode joint image+text inputs")

    def similarity(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(N, d) x (M, d) -> (N, M) scores under the card's similarity function."""
        if self.meta.similarity == "cosine":
            a = torch.nn.functional.normalize(a.float(), dim=-1)
            b = torch.nn.functional.normalize(b.float(), dim=-1)
            return a @ b.T
        if self.meta.similarity == "dot":
            return a.float() @ b.float().T
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")

    def similarity_pairwise(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(N, d) x (N, d) -> (N,) scores of matching rows."""
        if self.meta.similarity == "cosine":
            return torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=-1)
        if self.meta.similarity == "dot":
            return (a.float() * b.float()).sum(-1)
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")
