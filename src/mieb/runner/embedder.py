"""The framework's encoding engine: every evaluator embeds through an `Embedder`.

It owns what each wrapper would otherwise redo: batching, decoding and resizing in DataLoader worker
processes, uint8 transfer and normalisation on the device, mixed precision, de-duplication of
repeated inputs, validation of outputs (shape, NaN) and accounting (counts, seconds).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from mieb.data.images import ImageColumn, prepare
from mieb.errors import ModelOutputError, TaskDataError
from mieb.models.encoder import EncodeContext, Encoder, PromptType
from mieb.models.meta import ImagePreprocessing


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_num_workers() -> int:
    """Decode workers from the CPUs this process may use (not the machine's total), at most 8."""
    n = available_cpus()
    return 0 if n <= 1 else min(8, n)


class _PreparedImages(Dataset):
    """Row i -> (i, prepared image or None, error text). Errors travel as data so the main process can
    raise a `TaskDataError` naming the task, split and row (exceptions lose their type across workers)."""

    def __init__(self, column: ImageColumn, pp: ImagePreprocessing):
        self.column, self.pp = column, pp

    def __len__(self) -> int:
        return len(self.column)

    def __getitem__(self, i: int) -> tuple[int, Any, str | None]:
        try:
            return i, prepare(self.column.raw(i), self.pp), None
        except Exception as e:  # noqa: BLE001 - reported with its row by the main process
            return i, None, f"{type(e).__name__}: {e}"


def _collate(items: list[tuple[int, Any, str | None]]) -> tuple[list[int], Any, list[tuple[int, str]]]:
    idx = [i for i, _, _ in items]
    errors = [(i, err) for i, _, err in items if err is not None]
    if errors:
        return idx, None, errors
    payload = [x for _, x, _ in items]
    if isinstance(payload[0], np.ndarray) and all(p.shape == payload[0].shape for p in payload):
        return idx, torch.from_numpy(np.stack(payload)), []
    return idx, payload, []


def _worker_init(_: int) -> None:
    torch.set_num_threads(1)


@dataclass
class EmbedStats:
    images_requested: int = 0
    images_encoded: int = 0
    texts_requested: int = 0
    texts_encoded: int = 0
    seconds: float = 0.0
    by_stage: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "images_requested": self.images_requested,
            "images_encoded": self.images_encoded,
            "texts_requested": self.texts_requested,
            "texts_encoded": self.texts_encoded,
            "seconds": round(self.seconds, 4),
        }


class Embedder:
    """Embeds images, texts and image+text pairs for one task at a time; returns float32 (N, d)."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        batch_size: int = 32,
        num_workers: int | None = None,
        progress: Callable[[str, int], Callable[[int], None]] | None = None,
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.encoder = encoder
        self.meta = encoder.meta
        self.batch_size = batch_size
        self.num_workers = default_num_workers() if num_workers is None else num_workers
        self.progress = progress
        self.task_name: str | None = None
        self.split: str | None = None
        self.task_type: str | None = None
        self.category: str | None = None
        self.instructions: dict[str, str] = {}
        self.stats = EmbedStats()
        self._dim: int | None = None

    # -- context --------------------------------------------------------------------------------
    def start_task(self, task_name: str, task_type: str | None = None, category: str | None = None,
                   instructions: dict[str, str] | None = None) -> None:
        self.task_name, self.task_type, self.category = task_name, task_type, category
        self.instructions = dict(instructions or {})
        self.stats = EmbedStats()

    def context(self, prompt_type: PromptType | None) -> EncodeContext:
        return EncodeContext(
            task_name=self.task_name,
            task_type=self.task_type,
            category=self.category,
            prompt_type=prompt_type,
            instruction=self.instructions.get(prompt_type) if prompt_type else None,
        )

    # -- public ---------------------------------------------------------------------------------
    def images(self, images: ImageColumn, *, prompt_type: PromptType | None = None) -> np.ndarray:
        t0 = time.perf_counter()
        self.stats.images_requested += len(images)
        out = self._encode_images(images, self.context(prompt_type), texts=None)
        self.stats.seconds += time.perf_counter() - t0
        return out

    def texts(self, texts: Sequence[str], *, prompt_type: PromptType | None = None) -> np.ndarray:
        t0 = time.perf_counter()
        self.stats.texts_requested += len(texts)
        out = self._encode_texts(list(texts), self.context(prompt_type))
        self.stats.seconds += time.perf_counter() - t0
        return out

    def fused(self, images: ImageColumn, texts: Sequence[str], *,
              prompt_type: PromptType | None = None) -> np.ndarray:
        """Image+text inputs: the sum of the unnormalised embeddings (fusion="sum", as the reference's
        CLIP-family wrappers do) or the model's own joint encoding (fusion="joint")."""
        if len(images) != len(texts):
            raise ValueError(f"task {self.task_name}: {len(images)} images but {len(texts)} texts to fuse")
        if self.meta.fusion == "sum":
            return self.images(images, prompt_type=prompt_type) + self.texts(texts, prompt_type=prompt_type)
        if self.meta.fusion == "joint":
            t0 = time.perf_counter()
            self.stats.images_requested += len(images)
            self.stats.texts_requested += len(texts)
            out = self._encode_images(images, self.context(prompt_type), texts=list(texts))
            self.stats.seconds += time.perf_counter() - t0
            return out
        raise ModelOutputError(self.meta.name, self.task_name, "the model card declares no image+text fusion")

    # -- images ---------------------------------------------------------------------------------
    def _encode_images(self, images: ImageColumn, ctx: EncodeContext, texts: list[str] | None) -> np.ndarray:
        pp = self.meta.image
        if pp is None:
            raise ModelOutputError(self.meta.name, self.task_name, "the model card has no image preprocessing")
        n = len(images)
        out: np.ndarray | None = None
        if n == 0:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        use_workers = self.num_workers if n > self.batch_size else 0
        on_cuda = self.encoder.device.type == "cuda"
        loader = DataLoader(
            _PreparedImages(images, pp),
            batch_size=self.batch_size,
            shuffle=False,
            num_workers=use_workers,
            collate_fn=_collate,
            pin_memory=on_cuda and pp.input == "tensor",
            worker_init_fn=_worker_init if use_workers else None,
            prefetch_factor=4 if use_workers else None,
            persistent_workers=False,
        )
        tick = self.progress(f"{self.task_name}: images", n) if self.progress else None
        mean = std = None
        if pp.input == "tensor":
            mean = torch.tensor(pp.mean, device=self.encoder.device).view(1, 3, 1, 1)
            std = torch.tensor(pp.std, device=self.encoder.device).view(1, 3, 1, 1)
        for idx, batch, errors in loader:
            if errors:
                row, err = errors[0]
                col = images.items[row][1]
                raise TaskDataError(self.task_name or "?", f"unreadable image ({err})", split=self.split,
                                    column=col, row=images.row_id(row))
            if isinstance(batch, torch.Tensor):
                batch = batch.to(self.encoder.device, non_blocking=on_cuda).float().div_(255.0)
                batch = (batch - mean) / std
            elif pp.input == "tensor":  # sizes differ (no crop): normalise one by one
                batch = [((torch.from_numpy(b).to(self.encoder.device).float() / 255.0) - mean[0]) / std[0]
                         for b in batch]
            with self.encoder.autocast():
                if texts is None:
                    emb = self.encoder.encode_images(batch, ctx)
                else:
                    emb = self.encoder.encode_fused(batch, [texts[i] for i in idx], ctx)
            emb = self._check(emb, len(idx))
            if out is None:
                out = np.empty((n, emb.shape[1]), dtype=np.float32)
            out[idx] = emb
            self.stats.images_encoded += len(idx)
            if tick:
                tick(len(idx))
        assert out is not None
        return out

    # -- texts ----------------------------------------------------------------------------------
    def _encode_texts(self, texts: list[str], ctx: EncodeContext) -> np.ndarray:
        if self.meta.text is None and "text" not in self.meta.modalities:
            raise ModelOutputError(self.meta.name, self.task_name, "the model does not encode text")
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TaskDataError(self.task_name or "?", f"text input {i} is {type(t).__name__}, not a string",
                                    row=i)
        unique = list(dict.fromkeys(texts))
        # Longest first: batches of similar length waste less padding, and memory peaks at once.
        order = sorted(range(len(unique)), key=lambda i: -len(unique[i]))
        emb_unique: np.ndarray | None = None
        tick = self.progress(f"{self.task_name}: texts", len(unique)) if self.progress else None
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            with self.encoder.autocast():
                emb = self.encoder.encode_texts([unique[i] for i in chunk], ctx)
            emb = self._check(emb, len(chunk))
            if emb_unique is None:
                emb_unique = np.empty((len(unique), emb.shape[1]), dtype=np.float32)
            emb_unique[chunk] = emb
            self.stats.texts_encoded += len(chunk)
            if tick:
                tick(len(chunk))
        if emb_unique is None:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        pos = {t: i for i, t in enumerate(unique)}
        return emb_unique[[pos[t] for t in texts]]

    # -- checks ---------------------------------------------------------------------------------
    def _check(self, emb: Any, n: int) -> np.ndarray:
        if isinstance(emb, torch.Tensor):
            emb = emb.detach().float().cpu().numpy()
        emb = np.asarray(emb, dtype=np.float32)
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
