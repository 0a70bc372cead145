"""A small JSON-over-HTTP client for the API model families (standard library only).

Retries 429 (honouring Retry-After) and 5xx / connection errors with exponential backoff, spaces requests
to stay under a requests-per-minute limit, and turns other 4xx answers into a clear error at once.
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mieb.errors import MiebError, UsageError

logger = logging.getLogger(__name__)


class APIError(MiebError):
    """The provider refused a request (after retries, or with a status that retrying cannot fix)."""


def api_key(env_var: str, provider: str) -> str:
    key = os.environ.get(env_var, "").strip()
    if not key:
        raise UsageError(f"{provider} models need an API key: set the environment variable {env_var}")
    return key


@dataclass
class JSONClient:
    base_url: str
    headers: dict[str, str]
    max_retries: int = 6
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_rpm: float | None = None
    timeout: float = 120.0
    _last: float = field(default=0.0, repr=False)

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        url = self.base_url.rstrip("/") + "/" + path.lstrip("/")
        for attempt in range(self.max_retries + 1):
            self._throttle()
            request = urllib.request.Request(url, data=body, method="POST",
                                             headers={"Content-Type": "application/json", **self.headers})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - https/loopback
                    return json.loads(response.read())
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")[:500]
                retriable = e.code == 429 or e.code >= 500
                if not retriable or attempt == self.max_retries:
                    raise APIError(f"{url}: HTTP {e.code}: {detail}") from None
                wait = _retry_after(e.headers.get("Retry-After")) if e.code == 429 else None
                self._sleep(attempt, wait, f"HTTP {e.code}")
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                if attempt == self.max_retries:
                    raise APIError(f"{url}: {e}") from None
                self._sleep(attempt, None, str(e))
        raise AssertionError("unreachable")

    def _throttle(self) -> None:
        if self.max_rpm:
            gap = 60.0 / self.max_rpm - (time.monotonic() - self._last)
            if gap > 0:
                time.sleep(gap)
        self._last = time.monotonic()

    def _sleep(self, attempt: int, wait: float | None, why: str) -> None:
        delay = min(self.max_backoff, wait if wait is not None else self.backoff * 2**attempt)
        logger.warning("%s: retrying in %.1f s (attempt %d of %d)", why, delay, attempt + 1, self.max_retries)
        time.sleep(delay)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def image_data_uri(image: Any, fmt: str) -> str:
    """A base64 data URI of a PIL image encoded as `fmt` ("JPEG" or "PNG", PIL's default settings)."""
    import base64
    import io

    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return f"data:image/{fmt.lower()};base64,{base64.b64encode(buf.getvalue()).decode()}"
