"""Voyage multimodal-3 over Voyage's HTTP API (`POST /v1/multimodalembeddings`), key from VOYAGE_API_KEY.

As the reference (mteb `voyage_v.py`): every item is one input whose content is its text, its image, or
both interleaved as [text, image] (fusion "joint"); input_type is "query" for queries and "document"
otherwise; images over 16 M pixels are first downsampled to a longest side of 4000 (Lanczos). Requests
hold at most 1000 inputs and an estimated 320k tokens (560 pixels per image token; text counted at one
token per 3 bytes, generously). VOYAGE_BASE_URL overrides the endpoint (tests use a loopback server).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options
from mieb.models.wrappers._http import JSONClient, api_key, image_data_uri

MAX_INPUTS = 1000
MAX_TOKENS = 320_000
PIXELS_PER_TOKEN = 560
MAX_PIXELS = 16_000_000


def downsample(image: Any, target_longest_side: int = 4000) -> Any:
    """The reference's guard against Voyage's 16 M pixel limit."""
    from PIL.Image import Resampling

    w, h = image.size
    if w * h <= MAX_PIXELS:
        return image
    scale = target_longest_side / max(w, h)
    size = (target_longest_side, int(h * scale)) if w > h else (int(w * scale), target_longest_side)
    return image.resize(size, Resampling.LANCZOS)


class VoyageEncoder(Encoder):
    def __init__(self, meta: ModelMeta, *, model_api_name: str, requests_per_minute: float = 300.0,
                 max_retries: int = 6, backoff: float = 1.0):
        super().__init__(meta, device="cpu", precision="fp32")
        self.model_api_name = model_api_name
        headers = {"Authorization": f"Bearer {api_key('VOYAGE_API_KEY', 'Voyage')}"}
        self.client = JSONClient(os.environ.get("VOYAGE_BASE_URL", "https://api.voyageai.com/v1"), headers,
                                 max_retries=max_retries, backoff=backoff, max_rpm=requests_per_minute)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> np.ndarray:
        return self._embed([[{"type": "text", "text": t}] for t in texts], ctx)

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> np.ndarray:
        return self._embed([[self._image(img)] for img in images], ctx)

    def encode_fused(self, images: Sequence[Any], texts: Sequence[str], ctx: EncodeContext) -> np.ndarray:
        return self._embed([[{"type": "text", "text": t}, self._image(img)] for img, t in zip(images, texts,
                                                                                              strict=True)], ctx)

    @staticmethod
    def _image(image: Any) -> dict[str, Any]:
        image = downsample(image)
        return {"type": "image_base64", "image_base64": image_data_uri(image, "PNG"),
                "_tokens": image.size[0] * image.size[1] // PIXELS_PER_TOKEN + 1}

    def _embed(self, contents: list[list[dict[str, Any]]], ctx: EncodeContext) -> np.ndarray:
        input_type = "query" if ctx.prompt_type == "query" else "document"
        out: list[np.ndarray] = []
        for batch in _batches(contents):
            inputs = [{"content": [{k: v for k, v in part.items() if k != "_tokens"} for part in item]}
                      for item in batch]
            data = self.client.post("/multimodalembeddings", {"inputs": inputs, "model": self.model_api_name,
                                                               "input_type": input_type})["data"]
            out.append(np.asarray([d["embedding"] for d in sorted(data, key=lambda d: d["index"])], np.float32))
        return np.concatenate(out)


def _tokens(item: list[dict[str, Any]]) -> int:
    return sum(p["_tokens"] if "_tokens" in p else len(p["text"].encode()) // 3 + 1 for p in item)


def _batches(contents: list[list[dict[str, Any]]]) -> list[list[list[dict[str, Any]]]]:
    """Split inputs so each request stays within the count and token limits."""
    batches: list[list[list[dict[str, Any]]]] = []
    current: list[list[dict[str, Any]]] = []
    tokens = 0
    for item in contents:
        n = _tokens(item)
        if current and (len(current) == MAX_INPUTS or tokens + n > MAX_TOKENS):
            batches.append(current)
            current, tokens = [], 0
        current.append(item)
        tokens += n
    if current:
        batches.append(current)
    return batches


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> VoyageEncoder:
    """Options beyond the card's: requests_per_minute, max_retries, backoff."""
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_api_name", "requests_per_minute", "max_retries", "backoff"))
    return VoyageEncoder(meta, **options)
