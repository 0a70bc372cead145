"""Write what the reference's model registry says about each model's training data into mieb's package
data (`src/mieb/models/data/training_facts.json`), for the model cards and the leaderboard's
zero-shot and open-weights filters.

Run once with mteb installed (the output is committed; mieb never imports mteb):

    /work/venvs/parity/bin/python scripts/build_training_facts.py --out src/mieb/models/data/training_facts.json

For every model of the published MIEB scores and every mieb card, it reads mteb's `ModelMeta` (facts
only, no code): `open_weights`, `public_training_data`, `public_training_code`, and the training
datasets as mteb's zero-shot check uses them (`ModelMeta.get_training_datasets()`: the card's
`training_datasets`, those of the model it was adapted from, and the tasks mteb lists as similar),
kept where they name a MIEB task (the only ones a MIEB benchmark can overlap); `n_training_datasets`
counts them all. `training_datasets` is null where mteb does not know the model's training data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src/mieb/models/data/training_facts.json")
    args = ap.parse_args()

    import mteb

    import mieb

    published = json.loads(gzip.decompress(
        (ROOT / "src/mieb/leaderboard/data/published_scores.json.gz").read_bytes()))
    names = sorted({m["name"] for m in published["models"]} | {m.name for m in mieb.get_model_metas()})
    mieb_tasks = {t.name for t in mieb.get_tasks(include_offline=True)}
    facts: dict[str, dict] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # renamed-model notices
        for name in names:
            try:
                meta = mteb.get_model_meta(name, fetch_from_hf=False)
            except Exception as e:  # noqa: BLE001 - a model mteb does not know keeps no facts
                print(f"no mteb model card for {name}: {e}", file=sys.stderr)
                continue
            trained = meta.get_training_datasets()
            facts[name] = {
                "open_weights": meta.open_weights,
                "public_training_data": meta.public_training_data,
                "public_training_code": meta.public_training_code,
                "training_datasets": None if trained is None else sorted(trained & mieb_tasks),
                "n_training_datasets": None if trained is None else len(trained),
            }
    doc = {
        "source": {"package": "mteb", "version": mteb.__version__, "license": "Apache-2.0",
                   "fields": "ModelMeta.open_weights, public_training_data, public_training_code, "
                             "get_training_datasets() restricted to MIEB task names"},
        "models": facts,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    known = sum(f["training_datasets"] is not None for f in facts.values())
    overlapping = sum(bool(f["training_datasets"]) for f in facts.values())
    print(f"{len(facts)} of {len(names)} models known to mteb; training data known for {known}, "
          f"{overlapping} trained on a MIEB task -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
