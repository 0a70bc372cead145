"""JSON over HTTP for the API model families: httpx2 (the HTTP client huggingface_hub uses) with tenacity's
retries.

429 (honouring Retry-After) and 5xx answers, timeouts and connection errors are retried with exponential
backoff; other 4xx answers fail at once. Requests are spaced to stay under a requests-per-minute limit.
Every failure surfaces as `APIError` naming the URL and, for HTTP errors, the status and the start of the
provider's message.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import httpx2 as httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from mieb.errors import MiebError, UsageError

logger = logging.getLogger(__name__)


class APIError(MiebError):
    """The provider refused a request (after retries, or with a status that retrying cannot fix)."""


def api_key(env_var: str, provider: str) -> str:
    key = os.environ.get(env_var, "").strip()
    if not key:
        raise UsageError(f"{provider} models need an API key: set the environment variable {env_var}")
    return key


def _retriable(e: BaseException) -> bool:
    if isinstance(e, httpx.HTTPStatusError):
        return e.response.status_code == 429 or e.response.status_code >= 500
    return isinstance(e, httpx.TransportError)


class JSONClient:
    """POSTs JSON to `base_url` + path; `max_retries` retries after the first attempt, waiting
    `backoff * 2**i` seconds (at most `max_backoff`) or what a 429's Retry-After says; `max_rpm` spaces
    requests; `timeout` is per request, in seconds."""

    def __init__(self, base_url: str, headers: dict[str, str], *, max_retries: int = 6, backoff: float = 1.0,
                 max_backoff: float = 60.0, max_rpm: float | None = None, timeout: float = 120.0):
        self.client = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        self.max_retries, self.backoff, self.max_backoff, self.max_rpm = max_retries, backoff, max_backoff, max_rpm
        self._last = 0.0

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        """The decoded JSON answer; APIError once retries are spent or for a non-retriable status."""
        retrying = Retrying(stop=stop_after_attempt(self.max_retries + 1), wait=self._wait,
                            retry=retry_if_exception(_retriable), before_sleep=self._log, reraise=True)
        path = path.lstrip("/")  # relative to base_url's path (Voyage's ends in /v1)
        url = str(self.client.build_request("POST", path).url)
        try:
            for attempt in retrying:
                with attempt:
                    self._throttle()
                    response = self.client.post(path, json=payload)
                    response.raise_for_status()
            return response.json()
        except httpx.HTTPStatusError as e:
            detail = e.response.text[:500]
            raise APIError(f"{url}: HTTP {e.response.status_code}: {detail}") from None
        except httpx.TransportError as e:
            raise APIError(f"{url}: {type(e).__name__}: {e}") from None

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, httpx.HTTPStatusError) and error.response.status_code == 429:
            after = _seconds(error.response.headers.get("Retry-After"))
            if after is not None:
                return min(self.max_backoff, after)
        return min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))

    def _log(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        why = f"HTTP {error.response.status_code}" if isinstance(error, httpx.HTTPStatusError) else repr(error)
        logger.warning("%s: retrying (attempt %d of %d)", why, state.attempt_number, self.max_retries)

    def _throttle(self) -> None:
        if self.max_rpm:
            gap = 60.0 / self.max_rpm - (time.monotonic() - self._last)
            if gap > 0:
                time.sleep(gap)
        self._last = time.monotonic()


def _seconds(value: str | None) -> float | None:
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
