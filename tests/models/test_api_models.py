"""Cohere and Voyage wrappers against a loopback HTTP server speaking each provider's documented format.

The server answers the first request of every test with 429 (Retry-After: 0) and the second with 500, so
each test exercises the retry path; embeddings are a deterministic function of each input's content, so
order, batching and fusion are checked exactly.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from api_provider import DIM, Provider, serve, vector
from contract import check_contract

from mieb.data.images import ImageColumn
from mieb.errors import UsageError
from mieb.models.registry import get_model
from mieb.models.wrappers._http import APIError
from mieb.runner.embedder import Embedder


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Provider]]:
    with serve(monkeypatch, [429, 500]) as provider:
        yield provider


FAST = {"backoff": 0.0, "requests_per_minute": 60_000.0}


def test_missing_key_fails_before_any_request(server: type[Provider], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COHERE_API_KEY")
    monkeypatch.delenv("VOYAGE_API_KEY")
    with pytest.raises(UsageError, match="COHERE_API_KEY"):
        get_model("cohere/embed-english-v3.0")
    with pytest.raises(UsageError, match="VOYAGE_API_KEY"):
        get_model("voyageai/voyage-multimodal-3")
    assert server.requests == []


def test_cohere_texts_batched_with_retries(server: type[Provider]) -> None:
    enc = get_model("cohere/embed-english-v3.0", **FAST, images_per_minute=60_000.0)
    texts = [f"text number {i}" for i in range(200)]
    out = Embedder(enc, batch_size=150, num_workers=0).texts(texts)
    np.testing.assert_allclose(out, np.array([vector("search_document" + t) for t in texts]), atol=1e-6)
    calls = [body for path, body, _ in server.requests]
    assert len(calls) == 2 + 3  # 429, 500, then 96 + 54 and 50 texts
    assert all(len(b["texts"]) <= 96 for b in calls)
    assert [len(b["texts"]) for b in calls[2:]] == [96, 54, 50]
    assert sorted(t for b in calls[2:] for t in b["texts"]) == sorted(texts)
    assert {k: v for k, v in calls[-1].items() if k != "texts"} == {
        "model": "embed-english-v3.0", "embedding_types": ["float"], "input_type": "search_document"}
    assert server.requests[-1][2]["Authorization"] == "Bearer test-cohere-key"


def test_cohere_images_one_per_call_as_jpeg(server: type[Provider], family_images: ImageColumn,
                                            family_texts: list[str]) -> None:
    enc = get_model("Cohere/Cohere-embed-v4.0", **FAST, images_per_minute=60_000.0)
    out = check_contract(enc, family_images, family_texts, dim=DIM, normalised=None, fused=True,
                         batch_sizes=(1, 3))
    image_calls = [b for _, b, _ in server.requests if "images" in b]
    assert all(len(b["images"]) == 1 and b["input_type"] == "image" for b in image_calls)
    assert all(b["images"][0].startswith("data:image/jpeg;base64,") for b in image_calls)
    np.testing.assert_allclose(out["fused"], out["image"] + out["text"][: len(family_images)], atol=1e-6)


def test_cohere_int8_and_4xx(server: type[Provider]) -> None:
    enc = get_model("Cohere/Cohere-embed-v4.0 (output_dtype=int8)", **FAST)
    Embedder(enc, batch_size=4, num_workers=0).texts(["a", "b"])
    assert server.requests[-1][1]["embedding_types"] == ["int8"]
    server.script = [400]
    with pytest.raises(APIError, match="HTTP 400"):
        Embedder(enc, batch_size=4, num_workers=0).texts(["c"])


def test_cohere_binary_unpacks_like_the_reference() -> None:
    from mieb.models.wrappers.cohere import unpack_binary

    packed = np.array([[-128, -1, 0, 1], [127, 5, -6, 64]])
    # The reference's loop: for each byte, bits 0..7 of its two's complement, 1 -> +1 and 0 -> -1.
    expected = [[1.0 if (b >> k) & 1 else -1.0 for b in row for k in range(8)] for row in packed.tolist()]
    np.testing.assert_array_equal(unpack_binary(packed), np.array(expected, dtype=np.float32))


def test_cohere_text_batches_respect_count_and_token_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.models.wrappers import cohere

    assert [len(b) for b in cohere.text_batches(["x"] * 200)] == [96, 96, 8]
    monkeypatch.setattr(cohere, "MAX_TOKENS_PER_CALL", 10)
    # "aaaa" counts 4 bytes + 2 and "é" 2 bytes + 2: 10, full; a text over the budget still goes, alone.
    batches = cohere.text_batches(["aaaa", "é", "bb", "c" * 20, "d"])
    assert batches == [["aaaa", "é"], ["bb"], ["c" * 20], ["d"]]


def test_cohere_gives_up_after_retries(server: type[Provider]) -> None:
    enc = get_model("cohere/embed-english-v3.0", backoff=0.0, max_retries=2)
    server.script = [503, 503, 503]
    with pytest.raises(APIError, match="HTTP 503"):
        Embedder(enc, batch_size=4, num_workers=0).texts(["x"])
    assert len(server.requests) == 3


def test_voyage_interleaved_and_input_types(server: type[Provider], family_images: ImageColumn,
                                            family_texts: list[str]) -> None:
    enc = get_model("voyageai/voyage-multimodal-3", **FAST)
    out = check_contract(enc, family_images, family_texts, dim=DIM, normalised=None, fused=True,
                         batch_sizes=(1, 4))
    emb = Embedder(enc, batch_size=4, num_workers=0)
    queries = emb.texts(["find a red square"], prompt_type="query")
    np.testing.assert_allclose(queries[0], vector("query" + "find a red square"), atol=1e-6)
    fused_bodies = [b for _, b, _ in server.requests if len(b["inputs"][0]["content"]) == 2]
    assert fused_bodies and all(
        [p["type"] for p in item["content"]] == ["text", "image_base64"] for b in fused_bodies for item in b["inputs"])
    assert all(item["content"][1]["image_base64"].startswith("data:image/png;base64,")
               for b in fused_bodies for item in b["inputs"])
    assert {b["input_type"] for _, b, _ in server.requests} == {"document", "query"}
    assert out["text"].shape == (len(family_texts), DIM)


def test_voyage_splits_requests_at_provider_limits(server: type[Provider], monkeypatch: pytest.MonkeyPatch) -> None:
    from mieb.models.wrappers import voyage

    monkeypatch.setattr(voyage, "MAX_INPUTS", 3)
    enc = get_model("voyageai/voyage-multimodal-3", **FAST)
    texts = [f"t{i}" for i in range(8)]
    out = Embedder(enc, batch_size=8, num_workers=0).texts(texts)
    np.testing.assert_allclose(out, np.array([vector("document" + t) for t in texts]), atol=1e-6)
    assert [len(b["inputs"]) for _, b, _ in server.requests[2:]] == [3, 3, 2]
    monkeypatch.setattr(voyage, "MAX_INPUTS", 1000)
    monkeypatch.setattr(voyage, "MAX_TOKENS", 10)
    assert [len(b) for b in voyage._batches([[{"type": "text", "text": "x" * 12}]] * 4)] == [2, 2]


def test_retry_after_is_honoured(server: type[Provider]) -> None:
    """A 429's Retry-After (0 s here) replaces the exponential backoff (30 s here)."""
    import time

    server.script = [429]
    enc = get_model("cohere/embed-english-v3.0", backoff=30.0, requests_per_minute=60_000.0)
    t0 = time.perf_counter()
    Embedder(enc, batch_size=4, num_workers=0).texts(["x"])
    assert time.perf_counter() - t0 < 10 and len(server.requests) == 2


def test_connection_errors_are_retried_then_reported() -> None:
    import socket

    from mieb.models.wrappers._http import JSONClient

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = JSONClient(f"http://127.0.0.1:{port}", {}, max_retries=2, backoff=0.0)
    with pytest.raises(APIError, match=f"127.0.0.1:{port}/v2/embed: ConnectError"):
        client.post("/v2/embed", {"texts": ["x"]})
