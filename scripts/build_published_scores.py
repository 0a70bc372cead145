"""Convert the reference's published MIEB scores into the package data file mieb ships with.

Run once (the output is committed); the package never reads ../shared at run time:

    /work/venv-mteb/bin/python scripts/build_published_scores.py \
        --csv ../shared/reference/published_results/mieb_scores.csv \
        --out src/mieb/leaderboard/data/published_scores.json.gz

Scores come from the CSV (CC0, public `embeddings-benchmark/results` repository, commit f4cc6c8).
Model facts the leaderboard filters on (parameter count, modalities, release date, link) are read
from the installed mteb's model registry when mteb is importable (facts only, no code); without
mteb they are left empty. The script needs nothing but the standard library otherwise.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

SOURCE = {
    "repository": "https://github.com/embeddings-benchmark/results",
    "commit": "f4cc6c8",
    "date": "2026-08-20",
    "license": "CC0-1.0",
    "file": "published_results/mieb_scores.csv",
}
MODEL_FIELDS = ("n_parameters", "modalities", "release_date", "reference", "embed_dim", "license", "open_weights")
COLUMNS = ("model", "task", "split", "subset", "main_score", "evaluation_time", "mteb_version", "dataset_revision")


def _float_or_none(text: str) -> float | None:
    return float(text) if text not in ("", "nan", "None") else None


def model_facts(names: list[str]) -> tuple[dict[str, dict], dict | None]:
    """Facts per model name from mteb's model registry, or nothing when mteb is not installed."""
    try:
        import warnings

        import mteb
    except ImportError:
        print("mteb not importable: model facts left empty", file=sys.stderr)
        return {}, None
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # renamed-model notices
        for name in names:
            try:
                meta = mteb.get_model_meta(name)
            except Exception as e:  # noqa: BLE001 - a model unknown to mteb keeps empty facts
                print(f"no mteb model card for {name}: {e}", file=sys.stderr)
                continue
            out[name] = {f: getattr(meta, f, None) for f in MODEL_FIELDS}
            if out[name]["release_date"] is not None:
                out[name]["release_date"] = str(out[name]["release_date"])
    return out, {"package": "mteb", "version": mteb.__version__, "license": "Apache-2.0",
                 "fields": list(MODEL_FIELDS)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    with open(args.csv, newline="", encoding="utf-8") as f:
        records = list(csv.DictReader(f))
    revisions: dict[str, str] = {}
    for r in records:
        if revisions.setdefault(r["model"], r["revision"]) != r["revision"]:
            raise SystemExit(f"{r['model']} has several revisions; the format keeps one per model entry")
    names = sorted(revisions)
    facts, facts_source = model_facts(names)
    index = {n: i for i, n in enumerate(names)}
    rows = [
        [index[r["model"]], r["task"], r["split"], r["hf_subset"], _float_or_none(r["main_score"]),
         _float_or_none(r["evaluation_time"]), r["mteb_version"] or None, r["dataset_revision"] or None]
        for r in records
    ]
    rows.sort(key=lambda x: (x[0], x[1], x[2], x[3]))
    data = {
        "format": 1,
        "source": SOURCE,
        "model_facts_source": facts_source,
        "models": [{"name": n, "revision": revisions[n], **facts.get(n, {})} for n in names],
        "columns": list(COLUMNS),
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with gzip.GzipFile(args.out, "wb", mtime=0) as f:  # mtime=0: the same input gives the same bytes
        f.write(payload)
    print(f"{len(rows)} rows, {len(names)} models -> {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
