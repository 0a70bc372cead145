"""What runs on the Ray workers: encoders (one actor per GPU), the queue in front of them, and jobs.

- An `Encoder` actor loads the model once and encodes shards of inputs with the Embedder's own batching,
  decoding (in its DataLoader workers, on its node's CPUs), precision and checks; each shard it encodes
  is written whole to the shared cache when there is one.
- The `EncoderQueue` actor hands shards to free encoders by `mieb.runner.plan.ShardQueue`: the shards of
  the job planned first (the largest) before any other job's.
- A job (`run_job`, a Ray task holding CPU only) loads its task's data, runs the task's protocol and
  scores it with the runner's own code; the inputs its Embedder does not find in the cache are sent to
  the queue in shards (`PoolEncoding`), so the GPUs work for other jobs while this one fits scikit-learn.
  It returns the task's result, which the driver writes.

Nothing here imports Ray at module level: this module is imported on the workers, and by the driver only
when the Ray executor is used.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mieb.data.images import ImageColumn, RawImage, raw_bytes
from mieb.models.encoder import EncodeContext, Encoder
from mieb.runner.plan import SHARD_SIZE, Job, ShardQueue, shard_spans

if TYPE_CHECKING:
    import asyncio

    from mieb.models.meta import ModelMeta
    from mieb.results.schema import TaskResult
    from mieb.runner.embedder import Batches, Embedder

logger = logging.getLogger("mieb")

# Exceptions worth another attempt, by "module.Class" anywhere in an exception's class hierarchy or in the
# chain of exceptions it was raised from. Everything else (a bad dataset, a model error, a bug) fails at
# once: retrying it would fail the same way.
TRANSIENT: frozenset[str] = frozenset({
    "builtins.TimeoutError", "builtins.ConnectionError",  # incl. ConnectionResetError, ...
    "torch.OutOfMemoryError",  # the Embedder halves a batch down to one input first; this is the last resort
    "requests.exceptions.Timeout", "requests.exceptions.ConnectionError",  # the Hub, through requests
    "httpx.TimeoutException", "httpx.NetworkError",  # the Hub, through httpx
    "huggingface_hub.errors.HfHubHTTPError.5xx",  # see `is_transient`
    "ray.exceptions.RayActorError", "ray.exceptions.ObjectLostError", "ray.exceptions.OwnerDiedError",
    "ray.exceptions.WorkerCrashedError", "ray.exceptions.NodeDiedError", "ray.exceptions.ActorUnavailableError",
})


class TransientJobError(RuntimeError):
    """A job failed for a reason worth retrying (see `TRANSIENT`); Ray retries it a bounded number of times."""


def is_transient(error: BaseException) -> bool:
    """Whether `error`, or an exception it was raised from, is of a `TRANSIENT` class (Hub HTTP errors:
    only 429 and 5xx, the ones a server sends when it is overloaded or down)."""
    seen: set[int] = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        names = {f"{c.__module__}.{c.__qualname__}" for c in type(e).__mro__}
        if names & TRANSIENT:
            return True
        if "huggingface_hub.errors.HfHubHTTPError" in names:
            status = getattr(getattr(e, "response", None), "status_code", None)
            if status is not None and (status == 429 or status >= 500):
                return True
        e = e.__cause__ or e.__context__
    return False


# -- what travels between job and encoder ------------------------------------------------------------
def portable(raw: RawImage) -> RawImage:
    """A raw image as it can travel to another machine: its encoded bytes (read from a local path if it
    has one) or a decoded image as it is; never a path, which may not exist where it is decoded."""
    if isinstance(raw, dict):
        if raw.get("bytes") is not None:
            return raw["bytes"]
        return raw_bytes(raw) if raw.get("path") else raw
    if isinstance(raw, str):
        return raw_bytes(raw)
    return raw


class ShippedImages(ImageColumn):
    """Raw images sent to an encoder, with the (row, column) each came from (for error messages) and each
    column's `datasets` Image feature mode (decoding converts to it, as the unsharded path does)."""

    def __init__(self, raws: Sequence[RawImage], items: Sequence[tuple[int, str | None]],
                 modes: dict[str | None, str] | None = None):
        self.data = list(raws)
        self.items = list(items)
        self.modes = dict(modes or {})

    def raw(self, i: int) -> RawImage:
        return self.data[i]

    def subset(self, positions: Sequence[int]) -> ShippedImages:
        return ShippedImages([self.data[p] for p in positions], [self.items[p] for p in positions], self.modes)

    def iter_raw(self, chunk: int = 256) -> Any:
        return iter(self.data)


@dataclass
class EncodeRequest:
    """One shard: `keys` (cache keys, in order) of images, texts or image+text pairs to encode."""

    what: Literal["images", "texts", "fused"]
    keys: list[bytes]
    ctx: EncodeContext
    images: list[RawImage] | None = None
    items: list[tuple[int, str | None]] | None = None
    texts: list[str] | None = None
    split: str | None = None  # named in errors
    modes: dict[str | None, str] | None = None  # the columns' Image feature modes (`ImageColumn.modes`)


@dataclass
class EncodeReply:
    """A shard's embeddings in request order ((n, d) float32, or n (tokens, d) arrays), the encoder's
    stage seconds (`EmbedStats.as_dict()`), which encoder did it (`EncoderWorker.where`), how long it
    took (seconds) and the batches it halved on out-of-memory (`Embedder.batch_size_reductions`)."""

    embeddings: np.ndarray | list[np.ndarray]
    stats: dict[str, Any]
    encoder: dict[str, Any]
    seconds: float
    reductions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EncoderSpec:
    """How to build an encoder: the model card and the run's settings (see `MIEB.run`)."""

    model: ModelMeta
    device: str | None
    precision: str | None
    trust_remote_code: bool
    batch_size: int
    num_workers: int | None
    shared_cache: str | None
    decode_mode: str = "exact"  # `mieb.data.images.DECODE_MODES`: part of the embeddings' fingerprint
    verbose: bool = False  # the libraries' own progress bars (model loading) in the encoder's log


def placement() -> dict[str, Any]:
    """Where this process runs: host, Ray node id, pid, and the GPUs Ray assigned to it."""
    import ray

    ctx = ray.get_runtime_context()
    return {"host": socket.gethostname(), "node": ctx.get_node_id(), "pid": os.getpid(),
            "gpu_ids": [str(g) for g in ray.get_gpu_ids()],
            "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES")}


class EncoderWorker:
    """An encoder of the pool (a Ray actor, see `actor_classes`): one model on one device (the GPU Ray
    assigned, or the CPU)."""

    def __init__(self, spec: EncoderSpec, name: str):
        from mieb.cache.keys import model_fingerprint
        from mieb.cache.shards import ShardStore
        from mieb.models.registry import get_model
        from mieb.runner.embedder import Embedder
        from mieb.runner.progress import quiet_libraries

        t0 = time.perf_counter()
        self.name = name
        with quiet_libraries(not spec.verbose):
            self.encoder = get_model(spec.model, device=spec.device, precision=spec.precision,
                                     trust_remote_code=spec.trust_remote_code)
        self.embedder = Embedder(self.encoder, batch_size=spec.batch_size, num_workers=spec.num_workers,
                                 decode_mode=spec.decode_mode)
        self.fingerprint = model_fingerprint(spec.model, self.encoder.precision, self.encoder.device.type,
                                             spec.decode_mode)
        self.shards = ShardStore(spec.shared_cache, self.fingerprint) if spec.shared_cache else None
        self.load_seconds = time.perf_counter() - t0
        # Where this encoder runs, as results record it: name, host, Ray node, pid, GPUs, device.
        self.where = {"name": name, **placement(), "device": str(self.encoder.device)}
        self.started = time.time()
        self.busy = 0.0
        self.requests = 0
        self.items = 0

    def describe(self) -> dict[str, Any]:
        """What the jobs and results need to know about this encoder."""
        enc = self.encoder
        return {**self.where, "precision": enc.precision,
                "precision_note": enc.precision_note, "maxsim_padding": enc.maxsim_padding,
                "maxsim_block_bytes": enc.maxsim_block_bytes, "fingerprint": self.fingerprint,
                "num_workers": self.embedder.num_workers, "decode_mode": self.embedder.decode_mode,
                "load_seconds": round(self.load_seconds, 3)}

    def encode(self, request: EncodeRequest) -> EncodeReply:
        """The shard's embeddings, encoded by this encoder's Embedder (which halves a batch that runs out
        of GPU memory, down to one input, and records it: passed on to the job in the reply)."""
        t0 = time.perf_counter()
        ctx = request.ctx
        emb = self.embedder
        emb.start_task(ctx.task_name or "?", ctx.task_type, ctx.category)
        if request.what == "texts":
            batches = emb.encode_texts_uncached(list(request.texts or []), ctx)
        else:
            assert request.images is not None and request.items is not None
            column = ShippedImages(request.images, request.items, request.modes)
            batches = emb.encode_images_uncached(column, ctx, request.texts if request.what == "fused" else None,
                                                 request.split)
        rows: list[Any] = [None] * len(request.keys)
        for positions, out in batches:
            for j, p in enumerate(positions):
                rows[p] = out[j]
        if self.shards is not None:
            try:
                self.shards.put(request.keys, rows)
            except OSError as e:  # a shared cache that cannot be written costs time later, never this run
                logger.warning("encoder %s: shard not written to the shared cache %s (%s)", self.name,
                               self.shards.url, e)
        dense = bool(rows) and rows[0].ndim == 1
        seconds = time.perf_counter() - t0
        self.busy += seconds
        self.requests += 1
        self.items += len(rows)
        return EncodeReply(np.stack(rows) if dense else rows, emb.stats.as_dict(), self.where, seconds,
                           list(emb.batch_size_reductions))

    def usage(self) -> dict[str, Any]:
        """Busy seconds since the model was loaded, requests and inputs encoded, seconds alive."""
        return {"name": self.name, "busy": self.busy, "requests": self.requests, "items": self.items,
                "alive": time.time() - self.started, "load_seconds": self.load_seconds}


class EncoderQueue:
    """A Ray actor (see `actor_classes`) that hands requests to free encoders by `ShardQueue`'s policy
    (an async actor: requests wait without holding a thread). Encoders are found by their actor names,
    so a restarted queue finds them again. A request whose encoder does not answer within `timeout_s`
    raises TimeoutError (transient: its job is retried) and that encoder is restarted."""

    def __init__(self, encoder_names: list[str], timeout_s: float):
        from concurrent.futures import ThreadPoolExecutor

        import ray

        self.encoders = [ray.get_actor(name) for name in encoder_names]
        self.timeout_s = timeout_s
        self.policy: ShardQueue[asyncio.Future[int]] = ShardQueue(len(self.encoders))
        # ray.wait(fetch_local=False) blocks; one thread per encoder waits for its request to finish,
        # so results go straight from the encoder to the job, never through this actor.
        self.waiters = ThreadPoolExecutor(max_workers=len(self.encoders) + 1)

    def _hand_out(self, starts: list[tuple[int, asyncio.Future[int]]]) -> None:
        for encoder, waiter in starts:
            if waiter.done():  # its caller went away (cancelled): the encoder goes to the next one
                self._hand_out(self.policy.release(encoder))
            else:
                waiter.set_result(encoder)

    async def submit(self, boxed: list[Any], rank: int = 0) -> list[Any]:
        """Encode the request in `boxed[0]` (an ObjectRef, boxed so it is passed on unresolved) on the next
        free encoder, before the requests of jobs of a higher `rank`; returns [ObjectRef of its
        EncodeReply] once that is ready (or failed)."""
        import asyncio

        import ray

        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._hand_out(self.policy.submit(rank, waiter))
        i = await waiter
        try:
            ref = self.encoders[i].encode.remote(boxed[0])
            loop = asyncio.get_running_loop()
            ready, _ = await loop.run_in_executor(
                self.waiters, lambda: ray.wait([ref], timeout=self.timeout_s, fetch_local=False))
            if not ready:
                ray.kill(self.encoders[i], no_restart=False)  # a stuck encoder starts afresh
                raise TimeoutError(f"encoder {i} gave no answer within {self.timeout_s:.0f} s")
            return [ref]
        finally:
            self._hand_out(self.policy.release(i))


def actor_classes() -> tuple[Any, Any]:
    """The Ray actor classes of `EncoderWorker` and `EncoderQueue` (made here: Ray is imported only when used)."""
    import ray

    return ray.remote(EncoderWorker), ray.remote(EncoderQueue)


# -- the job side ----------------------------------------------------------------------------------------
class PoolEncoder(Encoder):
    """A job's view of the model the pool runs: its card, precision and scoring settings (similarities
    are computed here, on this process's CPU). It encodes nothing: the Embedder's backend does."""

    def __init__(self, meta: ModelMeta, info: dict[str, Any]):
        super().__init__(meta, device="cpu", precision="fp32")
        self.precision = info["precision"]
        self.precision_note = info["precision_note"]
        self.maxsim_padding = info["maxsim_padding"]
        self.maxsim_block_bytes = info["maxsim_block_bytes"]
        self.encode_device = info["device"]


@dataclass
class PoolEncoding:
    """The Embedder backend of a job: shards of `shard_size` inputs (rounded to whole batches) go to the
    queue with the job's `rank`, at most `in_flight` at a time, and come back in any order. `by_encoder` records which encoders
    did the work (their `EncoderWorker.where`, with the inputs and shards each encoded); encoders' stage
    seconds are added to the Embedder's stats."""

    queue: Any
    in_flight: int
    shard_size: int = SHARD_SIZE
    poll_s: float = 5.0
    rank: int = 0  # the job's place in the plan: the queue serves lower ranks first
    by_encoder: dict[str, dict[str, Any]] = field(default_factory=dict)

    def images(self, embedder: Embedder, images: ImageColumn, todo: list[int], keys: list[bytes],
               ctx: EncodeContext, texts: list[str] | None, split: str | None) -> Batches:
        def request(a: int, b: int) -> EncodeRequest:
            part = images.subset(todo[a:b])
            raws = [portable(r) for r in part.iter_raw()]
            pair_texts = [texts[p] for p in todo[a:b]] if texts is not None else None
            return EncodeRequest("fused" if texts is not None else "images", keys[a:b], ctx, raws, part.items,
                                 pair_texts, split, part.modes)

        return self._run(embedder, todo, request)

    def texts(self, embedder: Embedder, texts: list[str], todo: list[int], keys: list[bytes],
              ctx: EncodeContext) -> Batches:
        # The order the Embedder encodes texts in (longest first), so every batch is the unsharded one.
        order = sorted(range(len(todo)), key=lambda i: -len(texts[todo[i]]))
        todo = [todo[i] for i in order]
        keys = [keys[i] for i in order]
        return self._run(embedder, todo, lambda a, b: EncodeRequest("texts", keys[a:b], ctx,
                                                                  texts=[texts[p] for p in todo[a:b]]))

    def _run(self, embedder: Embedder, todo: list[int], request: Any) -> Batches:
        import ray

        spans = shard_spans(len(todo), embedder.batch_size, self.shard_size)
        waiting = list(reversed(spans))
        running: dict[Any, tuple[int, int]] = {}
        while waiting or running:
            while waiting and len(running) < self.in_flight:
                a, b = waiting.pop()
                payload = ray.put(request(a, b))
                running[self.queue.submit.remote([payload], self.rank)] = (a, b)
            ready, _ = ray.wait(list(running), num_returns=1, timeout=self.poll_s)
            for ref in ready:
                a, b = running.pop(ref)
                reply: EncodeReply = ray.get(ray.get(ref)[0])
                used = self.by_encoder.setdefault(reply.encoder["name"], {**reply.encoder, "inputs": 0, "shards": 0})
                used["inputs"] += b - a
                used["shards"] += 1
                for stage in ("data_wait", "prepare_cpu", "model", "oom_retries"):
                    setattr(embedder.stats, stage, getattr(embedder.stats, stage) + reply.stats[stage])
                embedder.batch_size_reductions.extend(reply.reductions)
                yield todo[a:b], reply.embeddings


# -- jobs ------------------------------------------------------------------------------------------------
@dataclass
class JobSpec:
    """What a job needs: the planned job, the run's settings and the pool's description."""

    job: Job
    strategy: str
    batch_size: int
    shard_size: int
    cache: bool | str
    shared_cache: str | None
    encoder_info: dict[str, Any]
    in_flight: int
    rank: int = 0
    verbose: bool = False  # the libraries' own progress bars (dataset loading) in the job's log


@dataclass
class JobOutcome:
    """A job's result (None if it failed: then `error` and `traceback`), where it ran and what it used."""

    key: str
    result: TaskResult | None
    error: str | None = None
    traceback: str | None = None
    worker: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    by_encoder: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_job(spec: JobSpec, queue: Any) -> JobOutcome:
    """Compute one job (a Ray task). A transient failure raises `TransientJobError` for Ray to retry; any
    other failure is returned in the outcome, so the driver records it and the run goes on."""
    t0 = time.perf_counter()
    where = placement()
    try:
        from mieb.runner.progress import quiet_libraries

        with quiet_libraries(not spec.verbose):
            result, by_encoder = _compute(spec, queue, where)
    except Exception as e:  # noqa: BLE001 - sorted into retried and recorded failures
        if is_transient(e):
            raise TransientJobError(f"{type(e).__name__}: {e}") from e
        from mieb.errors import MiebError

        msg = str(e) if isinstance(e, MiebError) else f"{type(e).__name__}: {e}"
        return JobOutcome(spec.job.key, None, msg, traceback.format_exc(), where, time.perf_counter() - t0)
    return JobOutcome(spec.job.key, result, worker=where, seconds=time.perf_counter() - t0, by_encoder=by_encoder)


def _compute(spec: JobSpec, queue: Any, where: dict[str, Any]) -> tuple[TaskResult, dict[str, dict[str, Any]]]:
    from mieb.runner.embedder import Embedder
    from mieb.runner.run import _RunContext

    job = spec.job
    encoder = PoolEncoder(job.model, spec.encoder_info)
    backend = PoolEncoding(queue, spec.in_flight, spec.shard_size, rank=spec.rank)
    embedder = Embedder(encoder, batch_size=spec.batch_size, num_workers=0, decode_mode=spec.encoder_info["decode_mode"],
                        store=job_store(spec.cache, spec.shared_cache, spec.encoder_info["fingerprint"]),
                        backend=backend)
    executor = {"name": "ray", "job_worker": where, "scoring_device": str(encoder.device),
                "encoder_device": encoder.encode_device, "encoders": backend.by_encoder}
    ctx = _RunContext(encoder, embedder, None, spec.strategy, spec.batch_size, executor=executor)
    return ctx._compute(job.task, job.todo, job.existing, None, None), backend.by_encoder


def job_store(cache: bool | str, shared_cache: str | None, fingerprint: dict[str, Any]) -> Any:
    """The job's cache: this node's SQLite store (`cache`: True for the default folder, a folder, or False
    for none) in front of the shared shards (`shared_cache`, an fsspec URL) when there are any."""
    local = None
    if cache is not False:
        from mieb.cache.store import EmbeddingCache

        local = EmbeddingCache(None if cache is True else cache).store(fingerprint)
    if shared_cache is None:
        return local
    from mieb.cache.shards import ShardStore, TieredStore

    return TieredStore(local, ShardStore(shared_cache, fingerprint))
