"""The framework's encoding engine: every evaluator embeds through an `Embedder`.

It owns what each wrapper would otherwise redo: batching; decoding and resizing in DataLoader worker
processes; uint8 transfer (pinned, non-blocking on CUDA) and normalisation on the device; mixed
precision; validation of outputs (shape, NaN); and accounting (counts, seconds per stage).

Every input is keyed by its content (a hash of the encoded image bytes, the text; plus the prompt
context for instruction-aware models). Inputs repeated within a task are encoded once, and with an
`EmbeddingStore` (on by default in the runner) embeddings are kept on disk per model fingerprint, so
a re-run, a resumed run or another task over the same images encodes nothing twice. A hit returns the
stored float32 bytes exactly.

Multi-vector models (card similarity="max_sim", e.g. ColPali) return a `MultiVector` per batch instead
of a (B, d) array; items are stored as (tokens, d) arrays and returned as one padded `MultiVector`.

When the device runs out of memory (`torch.OutOfMemoryError`, raised by CUDA), the batch that failed is
encoded again in halves, down to one item, and the rest of that encode call keeps the smaller size; each
halving is recorded (`Embedder.batch_size_reductions`, written into the task's result). The model then
sees the same batches as in a run started at the smaller size (when the requested size is a multiple of
it, as with powers of two), so the embeddings are identical to that run's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from mieb.cache.keys import content_hash, fused_key, image_key, text_key
from mieb.data.images import DECODE_MODES, ImageColumn, prepare, raw_bytes
from mieb.errors import ModelOutputError, TaskDataError
from mieb.models.encoder import EncodeContext, Encoder, MultiVector, PromptType, TextSearcher
from mieb.models.meta import ModelMeta

if TYPE_CHECKING:
    from mieb.tasks.kinds.base import SplitContext

# What the Embedder returns: (N, d) float32 rows, or one padded MultiVector for multi-vector models.
Embeddings = np.ndarray | MultiVector

logger = logging.getLogger(__name__)


def _cgroup_cpu_quota(root: str = "/sys/fs/cgroup") -> float | None:
    """CPUs' worth of time the cgroup may use (a container's `--cpus`), None when unlimited or unknown.
    Read from cgroup v2's cpu.max ("QUOTA PERIOD" or "max PERIOD"), else v1's cfs_quota_us / cfs_period_us."""
    base = Path(root)
    try:
        limit, period = (base / "cpu.max").read_text().split()[:2]
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota_us = int((base / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((base / "cpu" / "cpu.cfs_period_us").read_text())
        return None if quota_us <= 0 or period_us <= 0 else quota_us / period_us
    except (OSError, ValueError):
        return None


def available_cpus() -> int:
    """CPUs this process may use: its affinity set (not the machine's total), capped by the cgroup's
    CPU quota (rounded up), at least 1."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(n, -int(-quota // 1)) if quota else n)


def default_num_workers(device: torch.device | None = None) -> int:
    """Decode workers from the available CPUs, at most 8. With the model on a CPU, one CPU is left to it
    (its threads get what the workers leave, see `_threads_beside_workers`): on 2 CPUs, 2 workers beside
    the model oversubscribe them (measured, 2,000 64-px JPEGs: encode 2.4 s with 1 worker against 4.1 s
    with 2, median of 3, and less CPU per image)."""
    n = available_cpus()
    if device is not None and device.type == "cpu":
        return max(0, min(8, n - 1))
    return 0 if n <= 1 else min(8, n)


class _PreparedImages(Dataset):
    """Position i -> (i, prepared image or None, error text, seconds decoding+resizing).

    Errors travel as data so the main process can raise a `TaskDataError` naming the task, split and
    row (exceptions lose their type across worker processes)."""

    def __init__(self, column: ImageColumn, pp: Any, decode_mode: str):
        self.column, self.pp, self.decode_mode = column, pp, decode_mode

    def __len__(self) -> int:
        return len(self.column)

    def __getitem__(self, i: int) -> tuple[int, Any, str | None, float]:
        t0 = time.perf_counter()
        try:
            return (i, prepare(self.column.raw(i), self.pp, self.column.mode(i), self.decode_mode), None,
                    time.perf_counter() - t0)
        except Exception as e:  # noqa: BLE001 - reported with its row by the main process
            return i, None, f"{type(e).__name__}: {e}", time.perf_counter() - t0


def _collate(items: list[tuple[int, Any, str | None, float]]) -> tuple[list[int], Any, list[tuple[int, str]], float]:
    idx = [i for i, *_ in items]
    seconds = sum(t for *_, t in items)
    errors = [(i, err) for i, _, err, _ in items if err is not None]
    if errors:
        return idx, None, errors, seconds
    payload = [x for _, x, _, _ in items]
    if isinstance(payload[0], np.ndarray) and all(p.shape == payload[0].shape for p in payload):
        return idx, torch.from_numpy(np.stack(payload)), [], seconds
    return idx, payload, [], seconds


def _worker_init(_: int) -> None:
    torch.set_num_threads(1)


@contextlib.contextmanager
def _threads_beside_workers(workers: int, device: torch.device) -> Iterator[None]:
    """While decode workers run on a CPU-only device, the model gets the CPUs they leave (at least one):
    with both at full width on a small machine, torch's spinning threads and the workers slow each
    other (measured: 19 % slower on 2 cores)."""
    if not workers or device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(before, available_cpus() - workers)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def normalise(batch: torch.Tensor, out: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """(batch / 255 - mean) / std of a uint8 batch, in place in the float32 `out`: bit for bit the textbook
    expression, without allocating (and page-faulting) a fresh float batch each step (10x faster at 224 px
    on a CPU); the uint8 -> float conversion rides on the first division."""
    return torch.div(batch, 255.0, out=out).sub_(mean).div_(std)


def _is_view_of(out: Any, buffer: torch.Tensor | None) -> bool:
    return (isinstance(out, torch.Tensor) and buffer is not None
            and out.untyped_storage().data_ptr() == buffer.untyped_storage().data_ptr())


def _malloc_trim() -> Callable[[int], Any] | None:
    """glibc's malloc_trim, where there is one (Linux with glibc), else None."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()
TRIM_EVERY = 8  # batches


def release_free_heap() -> None:
    """Hand freed heap memory back to the OS. With batches arriving from decode workers, glibc's heap
    otherwise keeps the freed float batches and the process grows with the dataset (measured: +50 MiB
    per 1000 images at 64 px); trimming every few batches keeps it flat for about 1 % of encode time."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


@dataclass
class _BatchLimit:
    """The largest batch the model is given in one encode call (halved when the device runs out of memory)."""

    size: int
    inputs: str  # "images", "texts" or "fused": what the call encodes, for the record


@dataclass
class EmbedStats:
    """Counts and seconds of one task. `seconds` is the wall time spent in the Embedder; `prepare_cpu`
    is CPU time summed over decode workers (it runs in parallel with `model`)."""

    images_requested: int = 0
    images_unique: int = 0
    images_cached: int = 0
    images_encoded: int = 0
    texts_requested: int = 0
    texts_unique: int = 0
    texts_cached: int = 0
    texts_encoded: int = 0
    oom_retries: int = 0
    seconds: float = 0.0
    hash: float = 0.0
    data_wait: float = 0.0
    prepare_cpu: float = 0.0
    model: float = 0.0
    cache_io: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {f.name: round(v, 4) if isinstance(v := getattr(self, f.name), float) else v for f in fields(self)}


Batches = Iterator[tuple[list[int], Any]]  # (positions, their embeddings: (B, d) rows or a list of (T, d))


class Store(Protocol):
    """What the Embedder needs of a cache: an `EmbeddingStore`, or `mieb.cache.shards.TieredStore`."""

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]: ...

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None: ...

    @property
    def enabled(self) -> bool: ...


class EncodeBackend(Protocol):
    """Where the inputs left to encode go when they are not encoded by this process's model (the Ray
    executor's pool of encoders, `mieb.runner.ray.jobs.PoolEncoding`). `todo` are positions into the
    request still to encode and `keys` their cache keys; it yields what the Embedder's own `_encode_images`
    / `_encode_texts` yield, in any order: (positions into the request, their embeddings)."""

    def images(self, embedder: Embedder, images: ImageColumn, todo: list[int], keys: list[bytes],
               ctx: EncodeContext, texts: list[str] | None, split: str | None) -> Batches: ...

    def texts(self, embedder: Embedder, texts: list[str], todo: list[int], keys: list[bytes],
              ctx: EncodeContext) -> Batches: ...


class Embedder:
    """Embeds images, texts and image+text pairs for one task at a time; returns float32 (N, d).

    Inputs not found in this task's memo or the store are encoded by `encoder` in this process, or by
    `backend` when one is set (then `encoder` only scores and describes the model).

    `decode_mode`: "exact" (default) or the opt-in, approximate "draft" JPEG decode of
    `mieb.data.images.DECODE_MODES`; ValueError for another value or a batch size below 1."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        batch_size: int = 32,
        num_workers: int | None = None,
        store: Store | None = None,
        progress: Callable[[str, int], Callable[[int], None] | None] | None = None,
        backend: EncodeBackend | None = None,
        decode_mode: str = "exact",
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if decode_mode not in DECODE_MODES:
            raise ValueError(f"decode_mode must be one of {DECODE_MODES}, not {decode_mode!r}")
        self.decode_mode = decode_mode
        self.encoder = encoder
        self.meta = encoder.meta
        self.batch_size = batch_size
        self.num_workers = default_num_workers(encoder.device) if num_workers is None else num_workers
        self.store = store
        self.progress = progress
        self.backend = backend
        self.task_name: str | None = None
        self.task_type: str | None = None
        self.category: str | None = None
        self.instructions: dict[str, str] = {}
        self.stats = EmbedStats()
        # This task's out-of-memory halvings: {"inputs": "images"|"texts"|"fused", "from": n, "to": n // 2}.
        self.batch_size_reductions: list[dict[str, Any]] = []
        self._memo: dict[bytes, np.ndarray] = {}
        self._dim: int | None = None

    # -- context --------------------------------------------------------------------------------
    def start_task(self, task_name: str, task_type: str | None = None, category: str | None = None,
                   instructions: dict[str, str] | None = None) -> None:
        self.task_name, self.task_type, self.category = task_name, task_type, category
        self.instructions = dict(instructions or {})
        self.stats = EmbedStats()
        self.batch_size_reductions = []
        self._memo = {}

    def context(self, prompt_type: PromptType | None) -> EncodeContext:
        return EncodeContext(
            task_name=self.task_name,
            task_type=self.task_type,
            category=self.category,
            prompt_type=prompt_type,
            instruction=self.instructions.get(prompt_type, "" if self.instructions else None) if prompt_type
            else None,
        )

    def _key_context(self, ctx: EncodeContext) -> EncodeContext | None:
        """Only instruction-aware models embed the same input differently per task or prompt type."""
        return ctx if self.meta.uses_instructions else None

    def bind(self, split: SplitContext) -> EmbedderView:
        """What a protocol sees while it scores one split and subset (see `EmbedderView`)."""
        return EmbedderView(self, split)

    # -- public ---------------------------------------------------------------------------------
    def images(self, images: ImageColumn, *, prompt_type: PromptType | None = None,
               split: str | None = None) -> Embeddings:
        """Embeddings of `images` in order: (N, d) float32, or a MultiVector. `split` only names the split
        in errors (an unreadable image raises TaskDataError with its row)."""
        t0 = time.perf_counter()
        ctx = self.context(prompt_type)
        self.stats.images_requested += len(images)
        kctx = self._key_context(ctx)
        keys = [image_key(h, kctx) for h in self._image_hashes(images, split)]
        out = self._resolve(keys, "images", lambda todo, ks: self._images_from(images, todo, ks, ctx, None, split))
        self.stats.seconds += time.perf_counter() - t0
        return out

    def texts(self, texts: Sequence[str], *, prompt_type: PromptType | None = None,
              split: str | None = None) -> Embeddings:
        """Embeddings of `texts` in order (a non-string raises TaskDataError naming its row)."""
        t0 = time.perf_counter()
        ctx = self.context(prompt_type)
        texts = self._strings(texts, split)
        self.stats.texts_requested += len(texts)
        kctx = self._key_context(ctx)
        keys = [text_key(t, kctx) for t in texts]
        out = self._resolve(keys, "texts", lambda todo, ks: self._texts_from(texts, todo, ks, ctx))
        self.stats.seconds += time.perf_counter() - t0
        return out

    def fused(self, images: ImageColumn, texts: Sequence[str], *, prompt_type: PromptType | None = None,
              split: str | None = None, text_first: bool = False) -> Embeddings:
        """Image+text inputs: the sum of the unnormalised embeddings (fusion="sum", as the reference's
        CLIP-family wrappers do), the model's own joint encoding (fusion="joint"), or, for multi-vector
        models, each item's text tokens followed by its image tokens (fusion="concat"). `text_first`: the
        dataset holds the text column before the image column (see `EncodeContext.text_first`)."""
        if len(images) != len(texts):
            raise ValueError(f"task {self.task_name}: {len(images)} images but {len(texts)} texts to fuse")
        if self.meta.fusion == "concat":
            txt = self.texts(texts, prompt_type=prompt_type, split=split)
            img = self.images(images, prompt_type=prompt_type, split=split)
            if not isinstance(txt, MultiVector) or not isinstance(img, MultiVector):
                raise ModelOutputError(self.meta.name, self.task_name, 'fusion="concat" needs multi-vector outputs')
            return txt.concat_tokens(img)
        if self.meta.fusion == "sum":
            img, txt = (self.images(images, prompt_type=prompt_type, split=split),
                        self.texts(texts, prompt_type=prompt_type, split=split))
            if isinstance(img, MultiVector) or isinstance(txt, MultiVector):
                raise ModelOutputError(self.meta.name, self.task_name, 'fusion="sum" needs one vector per input')
            return img + txt
        if self.meta.fusion == "joint":
            t0 = time.perf_counter()
            ctx = dataclasses.replace(self.context(prompt_type), text_first=text_first)
            texts = self._strings(texts, split)
            self.stats.images_requested += len(images)
            self.stats.texts_requested += len(texts)
            kctx = self._key_context(ctx)
            keys = [fused_key(h, t, kctx, text_first=text_first)
                    for h, t in zip(self._image_hashes(images, split), texts, strict=True)]
            out = self._resolve(keys, "images",
                                lambda todo, ks: self._images_from(images, todo, ks, ctx, texts, split))
            self.stats.seconds += time.perf_counter() - t0
            return out
        raise ModelOutputError(self.meta.name, self.task_name, "the model card declares no image+text fusion")

    def _strings(self, texts: Sequence[str], split: str | None) -> list[str]:
        """The inputs as a list, all strings: a protocol checks its texts and names the dataset row; this
        is the last guard (here a row is the input's position), before any prompt is built from it."""
        texts = list(texts)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TaskDataError(self.task_name or "?", f"text input {i} is {type(t).__name__}, not a string",
                                    split=split, row=i)
        return texts

    # -- keys, cache and assembly -----------------------------------------------------------------
    def _image_hashes(self, images: ImageColumn, split: str | None) -> list[bytes]:
        """Content hashes of the encoded images, read a chunk of rows at a time (nothing is decoded)."""
        t0 = time.perf_counter()
        out = []
        for i, raw in enumerate(images.iter_raw()):
            data = raw_bytes(raw)
            if data is None:
                if hasattr(raw, "tobytes"):  # a decoded PIL image
                    data = f"{raw.mode}{raw.size}".encode() + raw.tobytes()
                else:
                    raise TaskDataError(self.task_name or "?", "image is empty (no bytes and no path)",
                                        split=split, column=images.items[i][1], row=images.row_id(i))
            out.append(content_hash(data))
        self.stats.hash += time.perf_counter() - t0
        return out

    def _resolve(self, keys: list[bytes], what: str,
                 encode: Callable[[list[int], list[bytes]], Batches]) -> Embeddings:
        """Embeddings for `keys`: from this task's memo, then the store, then by encoding the first
        position of every missing key (`encode(positions, keys)` yields (positions, embeddings) per batch)."""
        first: dict[bytes, int] = {}
        for pos, k in enumerate(keys):
            first.setdefault(k, pos)
        setattr(self.stats, f"{what}_unique", getattr(self.stats, f"{what}_unique") + len(first))
        missing = [k for k in first if k not in self._memo]
        if self.store is not None and missing:
            t0 = time.perf_counter()
            found = self.store.get_many(missing)
            self.stats.cache_io += time.perf_counter() - t0
            setattr(self.stats, f"{what}_cached", getattr(self.stats, f"{what}_cached") + len(found))
            self._memo.update(found)
            missing = [k for k in missing if k not in found]
        if missing:
            todo = [first[k] for k in missing]
            for positions, emb in encode(todo, missing):
                items = [(keys[p], emb[j]) for j, p in enumerate(positions)]
                self._memo.update(items)
                if self.store is not None:
                    t0 = time.perf_counter()
                    self.store.put_many(items)  # one transaction per batch: a crash keeps finished batches
                    self.stats.cache_io += time.perf_counter() - t0
                setattr(self.stats, f"{what}_encoded", getattr(self.stats, f"{what}_encoded") + len(positions))
        return self._assemble([self._memo[k] for k in keys])

    def _assemble(self, rows: list[np.ndarray]) -> Embeddings:
        if not rows:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        if rows[0].ndim == 2:  # multi-vector items: (tokens, d) each
            return MultiVector.from_list(rows)
        return np.stack(rows)

    # -- encoding ---------------------------------------------------------------------------------
    def _images_from(self, images: ImageColumn, todo: list[int], keys: list[bytes], ctx: EncodeContext,
                     texts: list[str] | None, split: str | None) -> Batches:
        if self.backend is not None:
            return self.backend.images(self, images, todo, keys, ctx, texts, split)
        return self._encode_images(images, todo, ctx, texts, split)

    def _texts_from(self, texts: list[str], todo: list[int], keys: list[bytes], ctx: EncodeContext) -> Batches:
        if self.backend is not None:
            return self.backend.texts(self, texts, todo, keys, ctx)
        return self._encode_texts(texts, todo, ctx)

    def encode_images_uncached(self, images: ImageColumn, ctx: EncodeContext, texts: list[str] | None = None,
                               split: str | None = None) -> Batches:
        """Every image of `images` (with `texts`: image+text pairs, fusion="joint") encoded by this
        process's model in order, batch by batch, bypassing memo and store: what an encoder of the Ray
        pool runs for a shard, so its batches are exactly those of an unsharded run. `split` names the
        split in errors."""
        return self._encode_images(images, list(range(len(images))), ctx, texts, split)

    def encode_texts_uncached(self, texts: list[str], ctx: EncodeContext) -> Batches:
        """Every text encoded by this process's model, longest first (ties in the order given), batch by
        batch, bypassing memo and store (see `encode_images_uncached`)."""
        return self._encode_texts(texts, list(range(len(texts))), ctx)

    def _encode_images(self, images: ImageColumn, todo: list[int], ctx: EncodeContext,
                       texts: list[str] | None, split: str | None) -> Iterator[tuple[list[int], Any]]:
        pp = self.meta.image
        if pp is None:
            raise ModelOutputError(self.meta.name, self.task_name, "the model card has no image preprocessing")
        subset = images.subset(todo)
        use_workers = self.num_workers if len(todo) > self.batch_size else 0
        on_cuda = self.encoder.device.type == "cuda"
        loader = DataLoader(
            _PreparedImages(subset, pp, self.decode_mode),
            batch_size=self.batch_size,
            shuffle=False,
            num_workers=use_workers,
            collate_fn=_collate,
            pin_memory=on_cuda and pp.input == "tensor",
            worker_init_fn=_worker_init if use_workers else None,
            prefetch_factor=4 if use_workers else None,
            persistent_workers=False,
        )
        tick = self.progress(f"{self.task_name}: images", len(todo)) if self.progress else None
        mean = std = None
        if pp.input == "tensor":
            mean = torch.tensor(pp.mean, device=self.encoder.device).view(1, 3, 1, 1)
            std = torch.tensor(pp.std, device=self.encoder.device).view(1, 3, 1, 1)
        batches = iter(loader)
        buffer: torch.Tensor | None = None
        half = self.encoder.weights_dtype if self.encoder.weights_dtype != torch.float32 else None
        n_batches = 0
        limit = _BatchLimit(self.batch_size, "images" if texts is None else "fused")
        with _threads_beside_workers(use_workers, self.encoder.device):
            while True:
                t0 = time.perf_counter()
                try:
                    idx, batch, errors, prep_seconds = next(batches)
                except StopIteration:
                    break
                self.stats.data_wait += time.perf_counter() - t0
                self.stats.prepare_cpu += prep_seconds
                if errors:
                    pos, err = errors[0]
                    raise TaskDataError(self.task_name or "?", f"unreadable image ({err})", split=split,
                                        column=subset.items[pos][1], row=subset.row_id(pos))
                t0 = time.perf_counter()
                if isinstance(batch, torch.Tensor):
                    if buffer is None or buffer.shape != batch.shape:  # one buffer, reused
                        buffer = torch.empty(batch.shape, dtype=torch.float32, device=self.encoder.device)
                    batch = normalise(batch.to(self.encoder.device, non_blocking=on_cuda), buffer, mean, std)
                    if half is not None:  # half-precision weights take inputs normalised in float32, then cast
                        batch = batch.to(half)
                elif pp.input == "tensor":  # sizes differ (no crop): normalise one by one
                    assert mean is not None and std is not None
                    batch = [(((torch.from_numpy(b).to(self.encoder.device).float() / 255.0) - mean[0]) / std[0])
                             .to(half or torch.float32) for b in batch]
                batch_texts = None if texts is None else [texts[todo[i]] for i in idx]
                emb = self._adaptive(len(idx), limit, partial(self._call_images, batch, batch_texts, ctx, buffer))
                self.stats.model += time.perf_counter() - t0
                n_batches += 1
                if use_workers and n_batches % TRIM_EVERY == 0:
                    release_free_heap()
                if tick:
                    tick(len(idx))
                yield [todo[i] for i in idx], emb

    def _encode_texts(self, texts: list[str], todo: list[int], ctx: EncodeContext) -> Iterator[tuple[list[int], Any]]:
        if self.meta.text is None and "text" not in self.meta.modalities:
            raise ModelOutputError(self.meta.name, self.task_name, "the model does not encode text")
        # Longest first: batches of similar length waste less padding, and memory peaks at once.
        order = sorted(todo, key=lambda p: -len(texts[p]))
        tick = self.progress(f"{self.task_name}: texts", len(order)) if self.progress else None
        limit = _BatchLimit(self.batch_size, "texts")
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            t0 = time.perf_counter()
            emb = self._adaptive(len(chunk), limit, partial(self._call_texts, [texts[p] for p in chunk], ctx))
            self.stats.model += time.perf_counter() - t0
            if tick:
                tick(len(chunk))
            yield chunk, emb

    def _call_images(self, batch: Any, texts: list[str] | None, ctx: EncodeContext, buffer: torch.Tensor | None,
                     part: slice) -> Any:
        """The model on items `part` of a prepared image batch (with their texts for joint inputs)."""
        if part != slice(0, len(batch)):
            batch = batch[part]
        emb = (self.encoder.encode_images(batch, ctx) if texts is None
               else self.encoder.encode_fused(batch, texts[part], ctx))
        return emb.clone() if _is_view_of(emb, buffer) else emb  # the reused buffer changes next step

    def _call_texts(self, texts: list[str], ctx: EncodeContext, part: slice) -> Any:
        return self.encoder.encode_texts(texts[part], ctx)

    def _adaptive(self, n: int, limit: _BatchLimit, call: Callable[[slice], Any]) -> list[np.ndarray] | np.ndarray:
        """Checked per-item rows of `call` over items [0, n), in chunks of at most `limit.size`. When the
        device runs out of memory the failed chunk is retried at half the size (down to one item, then the
        error is raised), and `limit` keeps the smaller size for the rest of the encode call."""
        parts: list[list[np.ndarray] | np.ndarray] = []
        start = 0
        while start < n:
            size = min(limit.size, n - start)
            try:
                with self.encoder.autocast():
                    emb = call(slice(start, start + size))
            except torch.OutOfMemoryError:
                if size == 1:
                    raise
                out_of_memory = True
            else:
                out_of_memory = False
            if out_of_memory:  # outside the except block, so the failed attempt's tensors can be freed
                self._free_device_memory()
                limit.size = size // 2
                self.stats.oom_retries += 1
                self.batch_size_reductions.append({"inputs": limit.inputs, "from": size, "to": limit.size})
                logger.warning("task %s: out of memory encoding %d %s; retrying %d at a time", self.task_name,
                               size, limit.inputs, limit.size)
                continue
            parts.append(self._rows(self._check(emb, size)))
            start += size
        if len(parts) == 1:
            return parts[0]
        if all(isinstance(p, np.ndarray) for p in parts):
            return np.concatenate(parts)
        return [row for p in parts for row in p]

    def _free_device_memory(self) -> None:
        gc.collect()
        if self.encoder.device.type == "cuda":
            torch.cuda.empty_cache()

    @staticmethod
    def _rows(emb: np.ndarray | MultiVector) -> list[np.ndarray] | np.ndarray:
        """Per-item arrays: rows of a dense batch, or each item's (tokens, d) slice of a MultiVector."""
        if isinstance(emb, MultiVector):
            return [emb.values[i, : emb.lengths[i]].copy() for i in range(len(emb))]
        return emb

    # -- checks ---------------------------------------------------------------------------------
    def _check(self, emb: Any, n: int) -> np.ndarray | MultiVector:
        if isinstance(emb, MultiVector):
            return self._check_multi(emb, n)
        if isinstance(emb, torch.Tensor):
            emb = emb.detach().float().cpu().numpy()
        try:
            emb = np.asarray(emb, dtype=np.float32)
        except (TypeError, ValueError) as e:
            raise ModelOutputError(self.meta.name, self.task_name,
                                   f"returned {type(emb).__name__}, not an array of numbers ({e})") from e
        if emb.ndim != 2 or emb.shape[0] != n:
            raise ModelOutputError(self.meta.name, self.task_name,
                                   f"expected embeddings of shape ({n}, d), got {tuple(emb.shape)}")
        if self._dim is None:
            self._dim = emb.shape[1]
        elif emb.shape[1] != self._dim:
            raise ModelOutputError(self.meta.name, self.task_name,
                                   f"embedding size changed from {self._dim} to {emb.shape[1]}")
        if not np.isfinite(emb).all():
            bad = int((~np.isfinite(emb)).any(axis=1).sum())
            raise ModelOutputError(self.meta.name, self.task_name, f"{bad} of {n} embeddings contain NaN or inf")
        return emb

    def _check_multi(self, emb: MultiVector, n: int) -> MultiVector:
        """A batch of multi-vector outputs: (n, T, d) values, n lengths in [1, T], finite, fixed d."""
        if self.meta.similarity != "max_sim":
            raise ModelOutputError(self.meta.name, self.task_name,
                                   'multi-vector outputs need a card with similarity="max_sim"')
        emb = emb.numpy()
        values, lengths = emb.values, emb.lengths
        if values.ndim != 3 or values.shape[0] != n or lengths.shape != (n,):
            raise ModelOutputError(self.meta.name, self.task_name,
                                   f"expected multi-vector embeddings of shape ({n}, T, d) with {n} lengths, "
                                   f"got {tuple(values.shape)} and {tuple(lengths.shape)}")
        if n and (lengths.min() < 1 or lengths.max() > values.shape[1]):
            raise ModelOutputError(self.meta.name, self.task_name, "multi-vector lengths out of range")
        if self._dim is None:
            self._dim = values.shape[2]
        elif values.shape[2] != self._dim:
            raise ModelOutputError(self.meta.name, self.task_name,
                                   f"embedding size changed from {self._dim} to {values.shape[2]}")
        valid = np.arange(values.shape[1])[None, :] < lengths[:, None]
        if not np.isfinite(values[valid]).all():
            raise ModelOutputError(self.meta.name, self.task_name, "multi-vector embeddings contain NaN or inf")
        return emb



@dataclass(frozen=True)
class EmbedderView:
    """What an evaluation protocol sees of the Embedder while it scores one split and subset.

    Embedding calls go to the Embedder (batching, decoding, precision and caching live there) with the
    split named in any error. The model's similarity is applied here, so a protocol never handles devices
    or multi-vector embeddings itself: `similarity` and `similarity_pairwise` take what `images` /
    `texts` / `fused` returned, and `image_vectors` / `text_vectors` / `dense` give (N, d) float32 arrays,
    raising ModelOutputError for a multi-vector (MaxSim) model, whose outputs have no such form.
    """

    embedder: Embedder
    context: SplitContext

    @property
    def meta(self) -> ModelMeta:
        """The model card."""
        return self.embedder.meta

    @property
    def device(self) -> str:
        """Where scoring runs: the model's device, e.g. "cpu" or "cuda:0"."""
        return str(self.embedder.encoder.device)

    @property
    def scoring(self) -> Literal["cosine", "dot"] | Callable[[Any, Any], torch.Tensor]:
        """The card's similarity as the retrieval metrics take it: "cosine" or "dot", else the model's own
        (N, d) x (M, d) -> (N, M) function (MaxSim for multi-vector models)."""
        sim = self.embedder.meta.similarity
        if sim == "cosine" or sim == "dot":
            return sim
        return self.embedder.encoder.similarity

    @property
    def searches_text(self) -> bool:
        """The model ranks a text corpus itself (a `TextSearcher`: BM25) instead of embedding inputs."""
        return isinstance(self.embedder.encoder, TextSearcher)

    def search_texts(self, queries: Sequence[str], corpus: Sequence[str], k: int, *,
                     languages: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """A `TextSearcher`'s top `k` corpus positions per query and their scores (see `TextSearcher.search`);
        TypeError for a model that embeds."""
        encoder = self.embedder.encoder
        if not isinstance(encoder, TextSearcher):
            raise TypeError(f"model {encoder.name} embeds its inputs; it does not search texts")
        return encoder.search(queries, corpus, k, languages=languages)

    def images(self, images: ImageColumn, *, prompt_type: PromptType | None = None) -> Embeddings:
        return self.embedder.images(images, prompt_type=prompt_type, split=self.context.split)

    def texts(self, texts: Sequence[str], *, prompt_type: PromptType | None = None) -> Embeddings:
        return self.embedder.texts(texts, prompt_type=prompt_type, split=self.context.split)

    def fused(self, images: ImageColumn, texts: Sequence[str], *,
              prompt_type: PromptType | None = None, text_first: bool = False) -> Embeddings:
        return self.embedder.fused(images, texts, prompt_type=prompt_type, split=self.context.split,
                                   text_first=text_first)

    def dense(self, embeddings: Embeddings) -> np.ndarray:
        """`embeddings` as (N, d) float32 rows; ModelOutputError for multi-vector embeddings."""
        if isinstance(embeddings, MultiVector):
            raise ModelOutputError(self.meta.name, self.embedder.task_name,
                                   "this protocol needs one vector per input; this multi-vector (MaxSim) "
                                   "model only runs retrieval-style tasks")
        return embeddings

    def image_vectors(self, images: ImageColumn) -> np.ndarray:
        """(N, d) float32 image embeddings (see `dense`)."""
        return self.dense(self.images(images))

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """(N, d) float32 text embeddings (see `dense`)."""
        return self.dense(self.texts(texts))

    def similarity(self, a: Embeddings, b: Embeddings) -> np.ndarray:
        """(N, M) float32 scores of every row of `a` against every row of `b` under the model's similarity,
        computed on the model's device (multi-vector sets are moved there block by block by MaxSim)."""
        device = self.embedder.encoder.device

        def on_device(e: Embeddings) -> Any:  # MaxSim moves multi-vector sets to the device in bounded blocks
            return e if isinstance(e, MultiVector) else torch.from_numpy(e).to(device)

        return self.embedder.encoder.similarity(on_device(a), on_device(b)).float().cpu().numpy()

    def similarity_pairwise(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(N,) scores of matching rows of two (N, d) arrays under the model's similarity."""
        return self.embedder.encoder.similarity_pairwise(torch.from_numpy(a), torch.from_numpy(b)).cpu().numpy()
