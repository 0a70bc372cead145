"""docs/contributing.md's three recipes, applied as written to a copy of the package and run end to end.

Each recipe's fenced blocks are taken from the document: ```python file=PATH``` is a new file, ```diff
file=PATH``` an edit (lines starting with " " are context, "-" removed, "+" added; the context must
occur exactly once). The edited copy runs in a subprocess with the bundled model on the offline world;
a dataset or checkpoint that would come from the Hub is pointed at a local stand-in, as nothing can be
downloaded here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "contributing.md"
BLOCK = re.compile(r"^```(python|diff) file=(\S+)\n(.*?)^```", re.S | re.M)


def recipes() -> dict[int, list[tuple[str, str, str]]]:
    """Recipe number -> its (kind, path, body) blocks in document order."""
    text = DOC.read_text(encoding="utf-8")
    starts = [(m.start(), int(m.group(1))) for m in re.finditer(r"^## Recipe (\d+):", text, re.M)]
    out: dict[int, list[tuple[str, str, str]]] = {n: [] for _, n in starts}
    for m in BLOCK.finditer(text):
        number = max((n for pos, n in starts if pos < m.start()), default=None)
        assert number is not None, f"a file block before the first recipe: {m.group(2)}"
        out[number].append((m.group(1), m.group(2), m.group(3)))
    return out


def apply(root: Path, kind: str, path: str, body: str) -> None:
    target = root / path
    if kind == "python":
        assert not target.exists(), f"{path} already exists: a recipe's new file must be new"
        target.write_text(body, encoding="utf-8")
        return
    old, new = [], []
    for line in body.splitlines():
        mark, rest = line[:1], line[1:]
        assert mark in (" ", "+", "-"), f"{path}: diff line {line!r} has no ' ', '+' or '-'"
        if mark != "+":
            old.append(rest)
        if mark != "-":
            new.append(rest)
    text = target.read_text(encoding="utf-8")
    before, after = "\n".join(old) + "\n", "\n".join(new) + "\n"
    assert text.count(before) == 1, f"{path}: the recipe's context occurs {text.count(before)} times:\n{before}"
    target.write_text(text.replace(before, after), encoding="utf-8")


def run_recipe(number: int, check: str, tmp_path: Path) -> dict:
    """Apply recipe `number` to a copy of src/mieb, then run `check` (Python printing one JSON line)."""
    root = tmp_path / "clone"
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    blocks = recipes()[number]
    assert blocks, f"recipe {number} has no file blocks"
    for kind, path, body in blocks:
        apply(root, kind, path, body)
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "MIEB_CACHE": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_recipe_has_its_blocks() -> None:
    blocks = recipes()
    assert sorted(blocks) == [1, 2, 3]
    assert {p for _, p, _ in blocks[3]} >= {"src/mieb/tasks/metadata.py", "src/mieb/tasks/kinds/__init__.py",
                                             "src/mieb/data/synthetic/builders.py", "src/mieb/tasks/catalog/offline.py"}


RUN = """
import json, math, mieb
from mieb.tasks.task import Task

def score(task, model, out):
    report = mieb.MIEB(tasks=[task]).run(model, output_folder=out, cache=False, progress=False, raise_errors=True)
    (result,) = report.results
    return result.get_score()
"""


def test_recipe_1_a_dataset(tmp_path: Path) -> None:
    check = RUN + """
from mieb.data.hub_cache import DataNeed
from mieb.data.source import DatasetRef
from mieb.data.synthetic import BUILDERS, materialize

task = mieb.get_task("DrawnShapesZeroShot")
assert task.data_needs() == [DataNeed(None, "test")], task.data_needs()
assert task.cache_status() == "no"
# The Hub dataset's stand-in: the offline world's shapes, in the same layout (image, ClassLabel label).
folder = materialize("ShapesZeroShot", BUILDERS["ShapesZeroShot"].version)
local = Task(task.metadata.model_copy(update={"dataset": DatasetRef(path=str(folder), revision="local")}))
value = score(local, "mieb/tiny-clip-shapes", "results")
print(json.dumps({"score": value, "prompt": local.kind.prompts(local, ["circle"])[0]}))
"""
    out = run_recipe(1, check, tmp_path)
    assert out["prompt"] == "a drawing of a circle."
    assert 1 / 8 < out["score"] <= 1  # above chance on 8 shapes


def test_recipe_2_a_model_card(tmp_path: Path) -> None:
    check = RUN + """
from mieb.models.wrappers._common import resolve_weights

card = mieb.get_model_meta("my-org/tiny-clip-shapes-finetuned")
assert card in mieb.get_model_metas(families=["clip"])
# The facts the recipe copies from the checkpoint, read from the bundled model's folder as from a download.
folder = resolve_weights(mieb.get_model_meta("mieb/tiny-clip-shapes"))[0]
found = mieb.get_model_meta(folder)
facts = ("n_parameters", "embed_dim", "text")
assert [getattr(found, f) for f in facts] == [getattr(card, f) for f in facts], (found, card)
for field, value in found.image:  # the config stores mean and std as float32
    expected = getattr(card.image, field)
    if field in ("mean", "std"):
        assert all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(value, expected, strict=True)), field
    else:
        assert value == expected, field
# The Hub checkpoint's stand-in: the bundled weights (this card describes a copy of them).
local = card.model_copy(update={"weights": "bundled:tiny-clip-shapes"})
task = mieb.get_task("ShapesZeroShot")
print(json.dumps({"card": score(task, local, "a"), "bundled": score(task, "mieb/tiny-clip-shapes", "b")}))
"""
    out = run_recipe(2, check, tmp_path)
    assert out["card"] == out["bundled"]


def test_recipe_3_a_task_type(tmp_path: Path) -> None:
    check = RUN + """
from mieb.data.hub_cache import DataNeed

task = mieb.get_task("ShapesMatching")
assert "ShapesMatching" in mieb.get_benchmark("MIEB(offline)").task_names
assert mieb.get_tasks(task_types=["ImageTextMatching"], include_offline=True) == [task]
assert mieb.get_tasks(task_types=["ImageTextMatching"]) == []  # offline tasks stay out of filters
assert task.data_needs() == [DataNeed(None, "test")] and task.cache_status() == "local"
print(json.dumps({"auc": score(task, "mieb/tiny-clip-shapes", "results")}))
"""
    out = run_recipe(3, check, tmp_path)
    assert 0.5 < out["auc"] <= 1  # the bundled model tells its own captions from others'


@pytest.mark.parametrize("bad", ["     missing context line\n+    added\n"])
def test_an_outdated_recipe_fails(tmp_path: Path, bad: str) -> None:
    """The check above can fail: an edit whose context is gone from the code is reported, not skipped."""
    (tmp_path / "x.py").write_text("a = 1\n")
    with pytest.raises(AssertionError, match="occurs 0 times"):
        apply(tmp_path, "diff", "x.py", bad)
