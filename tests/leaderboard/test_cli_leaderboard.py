"""`mieb leaderboard` (table formats, build) and `mieb compare` through the CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import mieb
from mieb.cli import main
from mieb.results.io import result_path, write_json_atomic
from mieb.results.schema import TaskResult

CLIP = "openai/clip-vit-base-patch32"


def test_leaderboard_json(capsys):
    assert main(["leaderboard", "-b", "MIEB(lite)", "--format", "json", "--top", "3", "--pairwise"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["benchmark"] == "MIEB(lite)" and doc["tasks_with_results"] == 51
    first = doc["models"][0]
    assert first["model"] == "LCO-Embedding/LCO-Embedding-Omni-7B" and first["rank"] == 1
    assert first["mean_task_type"] == pytest.approx(68.76029618506493, abs=1e-9)
    low, high = first["mean_task_type_ci95"]
    assert low < first["mean_task_type"] < high
    assert len(first["task_types"]) == 10 and len(first["categories"]) == 8 and len(first["tasks"]) == 51
    assert len(doc["pairwise"]) == 3


def test_leaderboard_csv_and_markdown(capsys):
    assert main(["leaderboard", "-b", "MIEB(lite)", "--format", "csv", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Rank,Model,Params,Mean (TaskType),95% CI,ImageClassification")
    assert lines[1].startswith("1,LCO-Embedding/LCO-Embedding-Omni-7B,8.9B,68.76,") and len(lines) == 3
    assert main(["leaderboard", "-b", "MIEB(Img)", "--format", "markdown", "--view", "categories", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "| Rank | Model | Params | Mean (Category) |" in out


def test_leaderboard_table_runs_without_torch():
    """`mieb leaderboard` must not import torch or transformers."""
    code = ("import sys; from mieb.cli import main; main(['leaderboard', '-b', 'MIEB(lite)', '--top', '3']); "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'backend imported'")
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "LCO-Embedding" in proc.stdout


def test_leaderboard_with_local_results(tmp_path, capsys):
    run = _write_run(tmp_path / "results", {"Winoground": 0.5})
    assert main(["leaderboard", "-b", "MIEB(lite)", "--results", str(run), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    mine = [m for m in doc["models"] if m["source"] == str(run)]
    assert len(mine) == 1 and mine[0]["tasks"]["Winoground"] == pytest.approx(50.0)
    assert mine[0]["mean_task_type"] is None  # one task of 51: every other type mean is null
    assert main(["leaderboard", "-b", "MIEB(lite)", "--results", str(run), "--no-published", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_build(tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["leaderboard", "build", "-b", "MIEB(lite)", "-o", str(out)]) == 0
    assert (out / "index.html").is_file() and (out / "models" / "openai__clip-vit-base-patch32.html").is_file()
    assert "wrote" in capsys.readouterr().out


# -- mieb compare ------------------------------------------------------------------------------------

def _published(task: str) -> dict[tuple[str, str], float]:
    from mieb.leaderboard.scores import ScoreSet

    return {(r.split, r.subset): r.score for r in ScoreSet.published().rows
            if r.task == task and r.model.endswith(f"::{CLIP}@3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268")}


def _write_run(root: Path, scores: dict[str, float | dict[tuple[str, str], float]], name: str = CLIP) -> Path:
    """A results folder as mieb's runner writes it: TaskResult.to_disk under {model}/{revision}/."""
    meta = mieb.get_model_meta(CLIP).model_copy(update={"name": name})
    for task, value in scores.items():
        pairs = value if isinstance(value, dict) else {("test", "default"): value}
        by_split: dict[str, list] = defaultdict(list)
        for (split, subset), v in pairs.items():
            by_split[split].append({"main_score": v, "hf_subset": subset, "languages": ["eng-Latn"]})
        tr = TaskResult(task_name=task, dataset_revision="local-rev", mieb_version="0.1.0", scores=dict(by_split),
                        mieb={"complete": True})
        tr.to_disk(result_path(root, meta.folder_name, meta.revision_folder, task))
    write_json_atomic(root / meta.folder_name / meta.revision_folder / "model_meta.json", meta.to_dict())
    return root


def test_compare_flags_tasks_beyond_tolerance(tmp_path, capsys):
    xm = _published("XM3600T2IRetrieval")
    xm.pop(("test", "ko"))  # a partial run: 35 of 36 subsets
    cifar = _published("CIFAR100ZeroShot")[("test", "default")]
    run = _write_run(tmp_path / "results", {
        "Winoground": _published("Winoground")[("test", "default")],
        "CIFAR100ZeroShot": cifar + 0.012,  # 1.2 points off
        "XM3600T2IRetrieval": xm,
    })
    code = main(["compare", str(run), "--reference", CLIP, "-b", "MIEB(lite)", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    by_task = {t["task"]: t for t in doc["tasks"]}
    assert by_task["CIFAR100ZeroShot"]["status"] == "beyond"
    assert by_task["CIFAR100ZeroShot"]["diff"] == pytest.approx(1.2, abs=1e-6)
    assert by_task["Winoground"]["status"] == "ok" and by_task["Winoground"]["diff"] == pytest.approx(0, abs=1e-4)  # files keep 6 decimals
    xm_row = by_task["XM3600T2IRetrieval"]
    assert xm_row["status"] == "ok" and xm_row["partial"] and xm_row["pairs_compared"] == 35
    assert by_task["Country211"]["status"] == "missing here"
    assert by_task["Winoground"]["dataset_revision_run"] == "local-rev"
    assert doc["tasks"][0]["task"] == "CIFAR100ZeroShot"  # flagged first

    assert main(["compare", str(run), "--reference", CLIP, "--tolerance", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 tasks compared, 0 beyond +/-2 points" in out


def test_compare_another_checkpoint_and_folder_reference(tmp_path, capsys):
    run = _write_run(tmp_path / "a", {"Winoground": 0.1}, name="me/my-clip")
    assert main(["compare", str(run), "--reference", CLIP, "--format", "csv"]) == 1
    assert "Winoground,Compositionality," in capsys.readouterr().out
    other = _write_run(tmp_path / "b", {"Winoground": 0.1, "DTD": 0.3}, name="me/my-clip")
    assert main(["compare", str(run), "--reference", str(other)]) == 0
    assert "not published" not in capsys.readouterr().out
    assert main(["compare", str(run), "--reference", "no/such-model"]) == 2


def test_leaderboard_says_which_results_are_left_out(tmp_path, capsys):
    """A model with no task of the benchmark is named on stderr, not dropped silently; the table still prints."""
    run = _write_run(tmp_path / "results", {"ShapesZeroShot": 0.9}, name="me/shapes-only")
    _write_run(tmp_path / "results", {"Winoground": 0.5}, name="me/winoground")
    assert main(["leaderboard", "-b", "mieb(lite)", "--results", str(run), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "me/shapes-only" in err and "no result for a task of MIEB(lite)" in err and "ShapesZeroShot" in err
    assert "me/winoground" not in err and "me/winoground" in out


def test_compare_with_no_task_in_common_warns_and_fails(tmp_path, capsys):
    run = _write_run(tmp_path / "results", {"ShapesZeroShot": 0.9})
    assert main(["compare", str(run), "--reference", CLIP]) == 1
    out, err = capsys.readouterr()
    assert "no task in common" in err and "ShapesZeroShot" in err
    assert "no split or subset" not in err  # no task of both sides lacks a shared split here: no such clause
    assert out == ""  # no table of 150 rows that are all "missing here"
    assert main(["compare", str(run), "--reference", CLIP, "--format", "json"]) == 1
    assert "no task in common" in capsys.readouterr().err


def test_help_texts_print_percent_signs_once(capsys):
    """argparse does not %-format descriptions: '95%%' there would be printed as is."""
    import argparse

    from mieb.cli import build_parser

    def parsers(p: argparse.ArgumentParser):
        yield p
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    for p in parsers(build_parser()):
        assert "%%" not in p.format_help(), p.prog
    with pytest.raises(SystemExit):
        main(["leaderboard", "--help"])
    assert "95% bootstrap" in capsys.readouterr().out
