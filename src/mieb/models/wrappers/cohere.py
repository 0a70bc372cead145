"""Cohere embed (v3, v4) over Cohere's v2 HTTP API (`POST /v2/embed`), key from COHERE_API_KEY.

As the reference (mteb `cohere_v.py`): texts go in batches of at most 96 texts and 128k tokens with
input_type "search_document" (the reference uses it for queries too), images one per call as JPEG data URIs
with input_type "image", at most 40 images a minute (Cohere's image rate limit); image+text inputs are summed
by the framework. `embedding_type` int8/uint8 are returned as floats, binary unpacked to +-1 least
significant bit first. The reference counts tokens with Cohere's tokenize endpoint (one call per text);
here a text's UTF-8 byte count plus two stands in for its token count, an upper bound for a byte-level
tokenizer, so requests stay within the limit without extra calls (embeddings do not depend on batching).
COHERE_BASE_URL overrides the endpoint (tests point it at a loopback server).
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

MAX_TEXTS_PER_CALL = 96
MAX_TOKENS_PER_CALL = 128_000
EMBEDDING_TYPES = ("float", "int8", "uint8", "binary")


class CohereEncoder(Encoder):
    def __init__(self, meta: ModelMeta, *, model_api_name: str, embedding_type: str = "float",
                 text_input_type: str = "search_document", requests_per_minute: float = 300.0,
                 images_per_minute: float = 40.0, max_retries: int = 6, backoff: float = 1.0):
        super().__init__(meta, device="cpu", precision="fp32")
        if embedding_type not in EMBEDDING_TYPES:
            raise ValueError(f"embedding_type must be one of {EMBEDDING_TYPES}, not {embedding_type!r}")
        self.model_api_name, self.embedding_type, self.text_input_type = model_api_name, embedding_type, text_input_type
        headers = {"Authorization": f"Bearer {api_key('COHERE_API_KEY', 'Cohere')}", "X-Client-Name": "mieb"}
        base = os.environ.get("COHERE_BASE_URL", "https://api.cohere.com")
        self.text_client = JSONClient(base, headers, max_retries=max_retries, backoff=backoff,
                                      max_rpm=requests_per_minute)
        self.image_client = JSONClient(base, headers, max_retries=max_retries, backoff=backoff,
                                       max_rpm=images_per_minute)

    def _embed(self, client: JSONClient, **payload: Any) -> np.ndarray:
        body = {"model": self.model_api_name, "embedding_types": [self.embedding_type], **payload}
        embeddings = client.post("/v2/embed", body)["embeddings"][self.embedding_type]
        arr = np.asarray(embeddings)
        return unpack_binary(arr) if self.embedding_type == "binary" else arr.astype(np.float32)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> np.ndarray:
        return np.concatenate([self._embed(self.text_client, texts=batch, input_type=self.text_input_type)
                               for batch in text_batches(texts)])

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> np.ndarray:
        return np.concatenate([self._embed(self.image_client, images=[image_data_uri(img, "JPEG")],
                                           input_type="image") for img in images])


def unpack_binary(packed: np.ndarray) -> np.ndarray:
    """(N, d/8) signed bytes -> (N, d) floats +-1, each byte's bits least significant first (the reference's
    order; any fixed order gives the same similarities, this one gives the same vectors)."""
    bits = np.unpackbits(packed.astype(np.int16).astype(np.uint8)[..., None], axis=-1, bitorder="little")
    return bits.reshape(len(packed), -1).astype(np.float32) * 2 - 1


def text_batches(texts: Sequence[str]) -> list[list[str]]:
    """Consecutive texts, at most MAX_TEXTS_PER_CALL and (by the byte bound) MAX_TOKENS_PER_CALL a call."""
    batches: list[list[str]] = []
    tokens = 0
    for text in texts:
        n = len(text.encode()) + 2
        if not batches or len(batches[-1]) == MAX_TEXTS_PER_CALL or tokens + n > MAX_TOKENS_PER_CALL:
            batches.append([])
            tokens = 0
        batches[-1].append(text)
        tokens += n
    return batches


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> CohereEncoder:
    """Options beyond the card's: requests_per_minute, images_per_minute, max_retries, backoff."""
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_api_name", "embedding_type", "text_input_type", "requests_per_minute",
                                     "images_per_minute", "max_retries", "backoff"))
    return CohereEncoder(meta, **options)
