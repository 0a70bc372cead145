"""Cohere and Voyage wrappers against a loopback HTTP server speaking each provider's documented format.

The server answers the first request of every test with 429 (Retry-After: 0) and the second with 500, so
each test exercises the retry path; embeddings are a deterministic function of each input's content, so
order, batching and fusion are checked exactly.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from PIL import Image

from contract import check_contract
from mieb.data.images import ImageColumn
from mieb.errors import UsageError
from mieb.models.registry import get_model
from mieb.models.wrappers._http import APIError
from mieb.runner.embedder import Embedder

DIM = 8


def vector(key: str) -> list[float]:
    digest = hashlib.sha256(key.encode()).digest()
    return [b / 255.0 - 0.5 for b in digest[:DIM]]


def image_key(uri: str) -> str:
    header, b64 = uri.split(",", 1)
    img = Image.open(io.BytesIO(base64.b64decode(b64)))
    return f"{header}|{img.size}"


class Provider(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
    script: list[int] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body, dict(self.headers)))
        status = type(self).script.pop(0) if type(self).script else 200
        if status != 200:
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(b'{"message": "try again"}')
            return
        if self.path == "/v2/embed":
            keys = body.get("texts") or [image_key(u) for u in body["images"]]
            out = {"id": "x", "embeddings": {t: [vector(body["input_type"] + k) for k in keys]
                                             for t in body["embedding_types"]}, "meta": {}}
        elif self.path == "/v1/multimodalembeddings":
            data = []
            for i, item in enumerate(body["inputs"]):
                key = "+".join(p["text"] if p["type"] == "text" else image_key(p["image_base64"])
                               for p in item["content"])
                data.append({"object": "embedding", "embedding": vector(body["input_type"] + key), "index": i})
            out = {"object": "list", "data": data[::-1], "model": body["model"], "usage": {"total_tokens": 1}}
        else:
            self.send_response(404)
            self.end_headers()
            return
        payload = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Provider]]:
    Provider.requests = []
    Provider.script = [429, 500]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("COHERE_BASE_URL", base)
    monkeypatch.setenv("VOYAGE_BASE_URL", base + "/v1")
    monkeypatch.setenv("COHERE_API_KEY", "test-cohere-key")
    monkeypatch.setenv("VOYAGE_API_KEY", "test-voyage-key")
    yield Provider
    httpd.shutdown()
    httpd.server_close()


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
