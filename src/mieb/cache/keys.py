"""Cache keys: what a stored embedding depends on.

A model's store is named by a fingerprint of everything that changes its outputs (name, revision,
precision, device type, preprocessing, loader settings, the image decoding version); inside it, an input is keyed by a hash of its
content (the encoded image bytes, the text), plus the prompt context for instruction-aware models.
So the same CIFAR10 image embedded for the linear probe is a hit for zero-shot and clustering.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from mieb.data.images import DECODE_VERSION

if TYPE_CHECKING:
    from mieb.models.encoder import EncodeContext
    from mieb.models.meta import ModelMeta

# Bump when the meaning of stored embeddings changes (key scheme, wrapper semantics).
CACHE_FORMAT_VERSION = 1
_DIGEST = 16


def model_fingerprint(meta: ModelMeta, precision: str, device_type: str, decode_mode: str = "exact") -> dict[str, Any]:
    """The facts that determine a model's embeddings; its hash names the model's store. An approximate
    decode mode is part of it; the exact default adds nothing, so stores made before it existed still match."""
    return {
        **({"decode_mode": decode_mode} if decode_mode != "exact" else {}),
        "cache_format": CACHE_FORMAT_VERSION,
        "name": meta.name,
        "revision": meta.revision,
        "weights": meta.weights,
        "loader": meta.loader,
        "loader_kwargs": meta.loader_kwargs,
        "precision": precision,
        "device_type": device_type,
        "image": meta.image.model_dump(mode="json") if meta.image else None,
        "text": meta.text.model_dump(mode="json") if meta.text else None,
        "fusion": meta.fusion,
        "decode": DECODE_VERSION,
    }


def fingerprint_id(fingerprint: dict[str, Any]) -> str:
    blob = json.dumps(fingerprint, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


def _context_bytes(ctx: EncodeContext | None) -> bytes:
    if ctx is None:
        return b""
    return json.dumps([ctx.task_name, ctx.task_type, ctx.category, ctx.prompt_type, ctx.instruction]).encode()


def content_hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def image_key(content: bytes, ctx: EncodeContext | None = None) -> bytes:
    """`content` is `content_hash` of the image's encoded bytes; `ctx` only for instruction-aware models."""
    return b"i" + (content if ctx is None else content_hash(content + _context_bytes(ctx)))


def text_key(text: str, ctx: EncodeContext | None = None) -> bytes:
    return b"t" + content_hash(text.encode("utf-8") + b"\0" + _context_bytes(ctx))


def fused_key(image_content: bytes, text: str, ctx: EncodeContext | None = None, *, text_first: bool = False) -> bytes:
    """A joint image+text input of a model with its own fusion; `text_first` items (the text before the image,
    `EncodeContext.text_first`) are keyed apart, since models reading one chat message see another order."""
    order = b"\0text-first" if text_first else b""
    return b"f" + content_hash(image_content + text.encode("utf-8") + b"\0" + _context_bytes(ctx) + order)
