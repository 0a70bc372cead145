"""Whether the Hugging Face Hub can be reached, found out once per run, and offline mode when it cannot.

Without this, an unreachable Hub costs every model and dataset load about 30 s of retries (each retry
warning printed twice) and ends in a traceback that names neither. Instead, the first load that may
need the Hub asks `status()`: HF_HUB_OFFLINE set by the user means offline; otherwise one HEAD request
to the endpoint (HF_ENDPOINT, default https://huggingface.co) with a short timeout decides. When the
Hub cannot be reached, mieb logs one warning and switches the Hugging Face libraries to their offline
mode for the rest of the run, so anything already in the local cache still loads and anything else
fails at once, with a message naming the model or dataset, its revision and the fix
(`model_unavailable`, `mieb.data.loading`).

`run_scope()` (entered by `MIEB.run`) makes the answer per run and restores the libraries' mode
afterwards. `probe` is the one network call; tests replace it (or point HF_ENDPOINT at a local port).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mieb.models.meta import ModelMeta

logger = logging.getLogger("mieb")

PROBE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class HubStatus:
    reachable: bool
    reason: str  # why not (for messages); empty when reachable


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def probe(timeout: float = PROBE_TIMEOUT_SECONDS) -> str | None:
    """One HEAD request to the Hub endpoint; None if it answered, else why not.

    Uses huggingface_hub's own HTTP session, so proxies and certificates configured for downloads apply.
    A server error (5xx) counts as unreachable: downloads would fail the same way.
    """
    from huggingface_hub import get_session

    url = endpoint()
    t0 = time.monotonic()
    try:
        response = get_session().head(url, timeout=timeout)
    except Exception as e:  # noqa: BLE001 - whatever the transport raises, the answer is "unreachable"
        return f"{url} did not answer ({type(e).__name__}: {e}; {time.monotonic() - t0:.1f} s)"
    if response.status_code >= 500:
        return f"{url} answered HTTP {response.status_code}"
    return None


_status: HubStatus | None = None  # the answer of the current run
_in_run = False  # inside `run_scope`
_switched_offline = False  # whether this run put the libraries in offline mode (undone when it ends)


def status() -> HubStatus:
    """Whether the Hub can be reached. Inside a run (`run_scope`) the first call decides, once: with
    HF_HUB_OFFLINE set, offline; else one probe, and if it fails, one warning and the libraries' offline
    mode for the rest of the run. Outside a run each call answers afresh and changes nothing."""
    global _status, _switched_offline
    if _in_run and _status is not None:
        return _status
    from mieb.data.hub_cache import hub_offline

    if hub_offline():
        answer = HubStatus(False, "HF_HUB_OFFLINE is set")
    else:
        reason = probe()
        answer = HubStatus(reason is None, reason or "")
    if _in_run:
        _status = answer
        if not answer.reachable and answer.reason != "HF_HUB_OFFLINE is set":
            _set_library_offline(True)
            _switched_offline = True
            logger.warning("the Hugging Face Hub cannot be reached: %s. This run uses only local files: models "
                           "and datasets not in the local cache fail at once (set HF_HUB_OFFLINE=1 to skip "
                           "this check)", answer.reason)
    return answer


@contextlib.contextmanager
def run_scope() -> Iterator[None]:
    """One run: `status()` is decided once inside; the libraries' mode is restored after."""
    global _status, _in_run, _switched_offline
    outer = (_status, _in_run, _switched_offline)
    _status, _in_run, _switched_offline = None, True, False
    try:
        yield
    finally:
        if _switched_offline:
            _set_library_offline(False)
        _status, _in_run, _switched_offline = outer


def _set_library_offline(offline: bool) -> None:
    """Switch huggingface_hub, datasets and transformers to (or out of) their offline mode.

    They read HF_HUB_OFFLINE once, at import: set the variable for modules not imported yet and the
    value each has already read (huggingface_hub.constants, datasets.config) for those that are.
    transformers asks huggingface_hub.
    """
    if offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
    else:
        os.environ.pop("HF_HUB_OFFLINE", None)
    hub_constants: Any = sys.modules.get("huggingface_hub.constants")  # modules whose flags are set below
    if hub_constants is not None:
        hub_constants.HF_HUB_OFFLINE = offline
    datasets_config: Any = sys.modules.get("datasets.config")
    if datasets_config is not None:
        datasets_config.HF_HUB_OFFLINE = offline
        datasets_config.HF_DATASETS_OFFLINE = offline


def model_repo(meta: ModelMeta) -> str | None:
    """The Hub repository a model's weights are downloaded from; None for API models, bundled weights
    (`bundled:...`), local checkpoint folders and models without weights (BM25: no parameters), which need
    no Hub."""
    source = meta.weights_source
    if meta.n_parameters == 0 or "API" in meta.framework or ":" in source or source.startswith(("/", ".", "~")) or Path(source).exists():
        return None
    return source


def model_cached(repo: str, revision: str | None) -> bool:
    """Whether the local Hugging Face cache has a snapshot of model `repo` at `revision` (a commit, or a
    branch or tag it has resolved before). A file-system check: no network, no import of transformers."""
    from huggingface_hub import constants

    folder = Path(constants.HF_HUB_CACHE) / f"models--{repo.replace('/', '--')}"
    ref = folder / "refs" / (revision or "main")
    try:
        commit = ref.read_text().strip() if ref.is_file() else (revision or "")
    except OSError:
        return False
    return bool(commit) and (folder / "snapshots" / commit).is_dir()


def model_unavailable(name: str, revision: str | None, why: str, current: HubStatus) -> str:
    """The message for a model that cannot be loaded while the Hub is unreachable: what, which revision, fixes."""
    rev = f" --revision {revision}" if revision else ""
    return (f"model {name} (revision {revision or 'default'}) cannot be loaded: it is not (completely) in the local "
            f"Hugging Face cache and {_hub_phrase(current)}. Fix: fetch it where there is internet (`hf download {name}{rev}`"
            f" with the same HF_HOME, or run mieb there once), then run here with HF_HUB_OFFLINE=1; or pass a local "
            f"checkpoint folder with `-m ./folder`. ({why})")


def dataset_unavailable(task: str, where: str, current: HubStatus) -> str:
    """The message for a task whose dataset (`where`: path@revision, config) is not in the local cache."""
    return (f"dataset {where} is not in the local Hugging Face cache and {_hub_phrase(current)}. Fix: fetch it where "
            f"there is internet (`mieb download -t {task}`, with the same HF_HOME or HF_DATASETS_CACHE), then run "
            f"here with HF_HUB_OFFLINE=1")


def _hub_phrase(current: HubStatus) -> str:
    if current.reason == "HF_HUB_OFFLINE is set":
        return "HF_HUB_OFFLINE is set"
    return f"the Hugging Face Hub cannot be reached ({current.reason})"
