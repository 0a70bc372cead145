"""Builders for test fixtures: tiny random checkpoints and small datasets in the hub layout."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image


@contextlib.contextmanager
def env_var(name: str, value: str) -> Iterator[str]:
    """Set an environment variable for a block (a session fixture's lifetime), then restore it."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield value
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def make_tiny_clip(folder: Path, *, image_size: int = 32, max_len: int = 16, seed: int = 0) -> Path:
    """A randomly initialised CLIPModel + character-level CLIP tokenizer + PIL image processor config."""
    import torch
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel, CLIPTokenizer

    chars = sorted(ByteLevel.alphabet())  # the 256 printable stand-ins of byte-level BPE
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": len(chars) + i for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    tok = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_len)
    cfg = CLIPConfig(
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=max_len, eos_token_id=tok.eos_token_id,
                         bos_token_id=tok.bos_token_id, pad_token_id=tok.pad_token_id),
        vision_config=dict(image_size=image_size, patch_size=8, hidden_size=32, intermediate_size=64,
                           num_hidden_layers=2, num_attention_heads=2),
        projection_dim=16,
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    CLIPModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    CLIPImageProcessorPil(size={"shortest_edge": image_size},
                          crop_size={"height": image_size, "width": image_size}).save_pretrained(folder)
    return folder


def png_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def solid_image(rgb: tuple[int, int, int], size: tuple[int, int] = (40, 48), noise: int = 0, seed: int = 0) -> bytes:
    h, w = size
    arr = np.empty((h, w, 3), dtype=np.int16)
    arr[:] = rgb
    if noise:
        arr += np.random.RandomState(seed).randint(-noise, noise + 1, size=arr.shape)
    return png_bytes(np.clip(arr, 0, 255).astype(np.uint8))


def write_hub_folder(folder: Path, configs: dict[str, dict[str, object]]) -> Path:
    """Write `{config: {split: datasets.Dataset}}` as a hub-style folder (README configs + parquet)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", "configs:"]
    for config, splits in configs.items():
        lines += [f"- config_name: \"{config}\"", "  data_files:"]  # quoted: YAML reads `no` as False
        for split, ds in splits.items():
            rel = f"{config}/{split}-00000-of-00001.parquet"
            (folder / config).mkdir(exist_ok=True)
            ds.to_parquet(str(folder / rel))
            lines += [f"  - split: \"{split}\"", f"    path: {rel}"]
    lines.append("---")
    (folder / "README.md").write_text("\n".join(lines) + "\n")
    return folder


def load(task: Any, split: str, subset: str = "default") -> Any:
    """What the runner's load step returns for one split and subset of `task` (a `Task` of a TaskKind)."""
    from mieb.tasks.kinds.base import SplitContext, TaskKind

    kind = task.kind
    assert isinstance(kind, TaskKind), f"{task.name} is not loaded by its own protocol"
    return kind.load(task, SplitContext(split, subset))
