"""A loopback HTTP server speaking Cohere's (`POST /v2/embed`) and Voyage's (`POST /v1/multimodalembeddings`)
documented formats, for the API families' tests. Embeddings are a deterministic function of each input's
content; `Provider.script` lists HTTP statuses to answer the next requests with (then 200)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

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
            out = {
                "id": "x",
                "embeddings": {
                    t: [vector(body["input_type"] + k) for k in keys] for t in body["embedding_types"]
                },
                "meta": {},
            }
        elif self.path == "/v1/multimodalembeddings":
            data = []
            for i, item in enumerate(body["inputs"]):
                key = "+".join(
                    p["text"] if p["type"] == "text" else image_key(p["image_base64"])
                    for p in item["content"]
                )
                data.append(
                    {"object": "embedding", "embedding": vector(body["input_type"] + key), "index": i}
                )
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


@contextmanager
def serve(monkeypatch: pytest.MonkeyPatch, script: list[int]) -> Iterator[type[Provider]]:
    """Run the server; point mieb's Cohere and Voyage wrappers (base URLs, keys) at it."""
    Provider.requests = []
    Provider.script = list(script)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("COHERE_BASE_URL", base)
    monkeypatch.setenv("VOYAGE_BASE_URL", base + "/v1")
    monkeypatch.setenv("COHERE_API_KEY", "test-cohere-key")
    monkeypatch.setenv("VOYAGE_API_KEY", "test-voyage-key")
    try:
        yield Provider
    finally:
        httpd.shutdown()
        httpd.server_close()
