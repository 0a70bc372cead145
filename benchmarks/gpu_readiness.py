"""Is mieb ready for a GPU? Images per second of decode, model and both, with CLIP ViT-B/32's shape.

On a machine with a CUDA device this builds a randomly initialised transformers CLIP with ViT-B/32's
exact shape (224 px, patch 32, 12 x 768 vision layers, 512-d projection: the real compute; random
weights do not change the speed) and a JPEG workload shaped like MIEB's images (mixed sizes 64-800
px per side, mixed aspect ratios, photo-like content, quality 90), then measures through mieb's own code:

- decode only: mieb's decode workers (`Embedder`'s DataLoader of `prepare`: decode, resize, crop to
  uint8) for a sweep of worker counts, no model;
- model only: uint8 batches already on the device, normalised as mieb does and run through the vision
  tower, for fp32 and bf16 and batch sizes 64-512;
- end to end: `Embedder.images` (hashing, workers, pinned memory, normalisation, model) for each
  precision, batch size and worker count;

sampling GPU utilisation (nvidia-smi, every 0.2 s) during every run, and says which side binds:
the data path (decode images/s below the model's) or the model.

    python benchmarks/gpu_readiness.py                               # CUDA; writes nothing
    python benchmarks/gpu_readiness.py --out benchmarks/results/gpu-readiness   # + .md and .json
    python benchmarks/gpu_readiness.py --device cpu --tiny --images 96 --batch-sizes 32 --workers 0 2
        # dry run of every path on a CPU with a narrow model (checks the script, measures nothing useful)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def jpeg_workload(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` JPEGs shaped like MIEB's images: sides 64-800 px (a third small, like CIFAR/MNIST-style sets;
    the rest photo-sized), aspect ratios 0.5-2, smooth content with noise, quality 90."""
    from PIL import Image

    rs = np.random.RandomState(seed)
    out = []
    for i in range(n):
        short = rs.randint(64, 128) if i % 3 == 0 else rs.randint(224, 801)
        aspect = float(np.exp(rs.uniform(np.log(0.5), np.log(2.0))))
        w, h = (short, int(short * aspect)) if aspect >= 1 else (int(short / aspect), short)
        small = Image.fromarray((rs.rand(8, 8, 3) * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
        arr = np.clip(np.asarray(small, dtype=np.int16) + rs.randint(-16, 17, size=(h, w, 3)), 0, 255)
        buf = io.BytesIO()
        Image.fromarray(arr.astype(np.uint8)).save(buf, format="JPEG", quality=90)
        out.append({"bytes": buf.getvalue(), "path": None})
    return out


def clip_b32_folder(root: Path, tiny: bool) -> Path:
    """A local transformers CLIP checkpoint: ViT-B/32's shape (or, with `tiny`, the same input pipeline
    with 64-wide layers), random weights (seed 0), the bundled model's tokenizer."""
    import torch
    from transformers import CLIPConfig, CLIPModel

    folder = root / ("clip-b32-tiny" if tiny else "clip-b32")
    if (folder / "model.safetensors").exists():
        return folder
    bundled = REPO / "src" / "mieb" / "models" / "weights" / "tiny-clip-shapes"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(bundled / name, folder / name)
    text = json.loads((bundled / "config.json").read_text())["text_config"]
    vision: dict[str, Any] = {"image_size": 224, "patch_size": 32}
    if tiny:
        vision.update(hidden_size=64, intermediate_size=128, num_attention_heads=2, num_hidden_layers=2)
    else:  # ViT-B/32 (transformers' CLIPVisionConfig defaults are ViT-B: 768 wide, 12 layers, 12 heads)
        vision.update(hidden_size=768, intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12)
    config = CLIPConfig(
        text_config={**{k: text[k] for k in ("vocab_size", "max_position_embeddings", "bos_token_id",
                                              "eos_token_id", "pad_token_id")},
                     "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 2, "num_hidden_layers": 1},
        vision_config=vision, projection_dim=64 if tiny else 512)
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(folder)
    pre = json.loads((bundled / "preprocessor_config.json").read_text())
    pre.update(size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224})
    (folder / "preprocessor_config.json").write_text(json.dumps(pre, indent=2))
    return folder


class GpuSampler:
    """GPU utilisation (%) sampled every `period` s by nvidia-smi while in a `with` block; empty off CUDA."""

    def __init__(self, device: str, period: float = 0.2):
        self.enabled = device.startswith("cuda") and shutil.which("nvidia-smi") is not None
        self.period, self.samples = period, []  # type: ignore[var-annotated]
        self._stop = threading.Event()
        index = device.split(":")[1] if ":" in device else "0"
        self._cmd = ["nvidia-smi", "-i", index, "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"]

    def __enter__(self) -> GpuSampler:
        self.samples, self._stop = [], threading.Event()
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                out = subprocess.run(self._cmd, capture_output=True, text=True, timeout=5).stdout.strip()
                self.samples.append(float(out.splitlines()[0]))
            except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
                pass
            self._stop.wait(self.period)

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "n/a"
        return f"{np.mean(self.samples):.0f}% (p10 {np.percentile(self.samples, 10):.0f}, n={len(self.samples)})"


def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def decode_only(raws: list[dict[str, Any]], pp: Any, workers: int, batch_size: int) -> float:
    """Images/s of mieb's decode workers alone (the same Dataset, collate and worker set-up as `Embedder`)."""
    from torch.utils.data import DataLoader

    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import _collate, _PreparedImages, _worker_init

    loader = DataLoader(_PreparedImages(ImageColumn(raws), pp, "exact"), batch_size=batch_size, num_workers=workers,
                        collate_fn=_collate, worker_init_fn=_worker_init if workers else None,
                        prefetch_factor=4 if workers else None)
    t0 = time.perf_counter()
    n = sum(len(idx) for idx, *_ in loader)
    return n / (time.perf_counter() - t0)


def model_only(encoder: Any, embedder: Any, batch_size: int, batches: int, device: str) -> float:
    """Images/s of normalisation + the vision tower on uint8 batches already on the device."""
    import torch

    from mieb.runner.embedder import normalise

    pp = encoder.meta.image
    mean = torch.tensor(pp.mean, device=device).view(1, 3, 1, 1)
    std = torch.tensor(pp.std, device=device).view(1, 3, 1, 1)
    x = torch.randint(0, 256, (batch_size, 3, pp.crop_size, pp.crop_size), dtype=torch.uint8, device=device)
    buf = torch.empty(x.shape, dtype=torch.float32, device=device)
    ctx = embedder.context(None)
    half = encoder.weights_dtype if encoder.weights_dtype != torch.float32 else None
    for timed in (False, True):  # one untimed pass: kernels chosen, memory allocated
        _sync(device)
        t0 = time.perf_counter()
        for _ in range(batches if timed else 1):
            batch = normalise(x, buf, mean, std)
            with torch.inference_mode(), encoder.autocast():
                encoder.encode_images(batch.to(half) if half is not None else batch, ctx)
        _sync(device)
    return batches * batch_size / (time.perf_counter() - t0)


def end_to_end(encoder: Any, raws: list[dict[str, Any]], batch_size: int, workers: int, device: str) -> float:
    """Images/s of `Embedder.images` (hash, decode workers, transfer, normalise, model), cache off."""
    from mieb.data.images import ImageColumn
    from mieb.runner.embedder import Embedder

    embedder = Embedder(encoder, batch_size=batch_size, num_workers=workers)
    embedder.start_task("gpu-readiness")
    embedder.images(ImageColumn(raws[: batch_size * 2]))  # warm-up on other images: kernels, allocator
    embedder = Embedder(encoder, batch_size=batch_size, num_workers=workers)  # fresh: nothing memoised
    embedder.start_task("gpu-readiness")
    _sync(device)
    t0 = time.perf_counter()
    embedder.images(ImageColumn(raws))
    _sync(device)
    return len(raws) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--images", type=int, default=4096, help="JPEGs in the workload")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 128, 256, 512])
    p.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    p.add_argument("--workers", type=int, nargs="+", help="decode worker counts to sweep (default: 0, 2, 4, ... "
                   "up to the CPUs available)")
    p.add_argument("--model-batches", type=int, default=20, help="timed batches for model only")
    p.add_argument("--tiny", action="store_true", help="narrow layers (for a dry run on a CPU)")
    p.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "mieb-gpu-readiness"))
    p.add_argument("--out", help="write OUT.md and OUT.json")
    args = p.parse_args(argv)

    import torch

    import mieb
    from mieb.runner.embedder import available_cpus

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: pass --device cpu (with --tiny) for a dry run")
    cpus = available_cpus()
    workers = args.workers or sorted({0, *range(2, cpus + 1, 2), cpus})
    work = Path(args.work)
    folder = clip_b32_folder(work, args.tiny)
    print(f"building {args.images} JPEGs ...", flush=True)
    raws = jpeg_workload(args.images)
    mpix = np.mean([len(r["bytes"]) for r in raws]) / 1e3
    device_name = torch.cuda.get_device_name(args.device) if args.device.startswith("cuda") else args.device
    meta = {"device": device_name, "cpus": cpus, "images": args.images, "mean_jpeg_kb": round(float(mpix), 1),
            "model": "CLIP ViT-B/32 shape, random weights" if not args.tiny else "narrow CLIP, 224 px, patch 32",
            "torch": torch.__version__}
    sampler = GpuSampler(args.device)
    rows: list[dict[str, Any]] = []

    pp = mieb.get_model_meta(str(folder)).image
    for w in workers:
        with sampler:
            ips = decode_only(raws, pp, w, max(args.batch_sizes))
        rows.append({"stage": "decode only", "workers": w, "images_per_s": ips, "gpu_util": sampler.summary()})
        print(rows[-1], flush=True)
    for precision in args.precisions:
        encoder = mieb.get_model(str(folder), device=args.device, precision=precision)
        from mieb.runner.embedder import Embedder

        probe = Embedder(encoder)
        probe.start_task("gpu-readiness")
        for bs in args.batch_sizes:
            with sampler:
                ips = model_only(encoder, probe, bs, args.model_batches, args.device)
            rows.append({"stage": "model only", "precision": precision, "batch_size": bs, "images_per_s": ips,
                         "gpu_util": sampler.summary()})
            print(rows[-1], flush=True)
        for bs in args.batch_sizes:
            for w in workers:
                with sampler:
                    ips = end_to_end(encoder, raws, bs, w, args.device)
                rows.append({"stage": "end to end", "precision": precision, "batch_size": bs, "workers": w,
                             "images_per_s": ips, "gpu_util": sampler.summary()})
                print(rows[-1], flush=True)
        del encoder, probe
        if args.device.startswith("cuda"):
            torch.cuda.empty_cache()

    best_decode = max((r for r in rows if r["stage"] == "decode only"), key=lambda r: r["images_per_s"])
    verdicts = []
    for precision in args.precisions:
        model = max((r for r in rows if r["stage"] == "model only" and r["precision"] == precision),
                    key=lambda r: r["images_per_s"])
        e2e = max((r for r in rows if r["stage"] == "end to end" and r["precision"] == precision),
                  key=lambda r: r["images_per_s"])
        side = "the data path (decode + resize on the CPUs)" if best_decode["images_per_s"] < model["images_per_s"] \
            else "the model (the device)"
        verdicts.append(f"{precision}: decode {best_decode['images_per_s']:.0f} img/s ({best_decode['workers']} workers),"
                        f" model {model['images_per_s']:.0f} img/s (batch {model['batch_size']}), end to end "
                        f"{e2e['images_per_s']:.0f} img/s (batch {e2e['batch_size']}, {e2e['workers']} workers, GPU "
                        f"{e2e['gpu_util']}): bound by {side}; end to end reaches "
                        f"{100 * e2e['images_per_s'] / min(best_decode['images_per_s'], model['images_per_s']):.0f}% "
                        "of the slower side")
    text = ["# GPU readiness: mieb's image path with CLIP ViT-B/32's shape", "",
            ", ".join(f"{k}: {v}" for k, v in meta.items()), "", "| stage | precision | batch | workers | images/s |"
            " GPU utilisation |", "| --- | --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        text.append(f"| {r['stage']} | {r.get('precision', '')} | {r.get('batch_size', '')} | {r.get('workers', '')} | "
                    f"{r['images_per_s']:.0f} | {r['gpu_util']} |")
    text += ["", "## Which side binds", "", *[f"- {v}" for v in verdicts]]
    report = "\n".join(text) + "\n"
    print(report)
    if args.out:
        Path(args.out).with_suffix(".md").write_text(report)
        Path(args.out).with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows, "verdicts": verdicts},
                                                                  indent=1))
    return {"meta": meta, "rows": rows, "verdicts": verdicts}


if __name__ == "__main__":
    main()
