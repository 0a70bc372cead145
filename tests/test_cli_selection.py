"""Selections that select nothing, and names given the wrong way, say so (message and exit code)."""

from __future__ import annotations

import pytest

import mieb
from mieb.cli import main
from mieb.errors import UnknownNameError, UsageError, suggest


@pytest.mark.parametrize("args,needles", [
    (["list", "tasks", "-l", "english"], ["Unknown language 'english'", "Did you mean 'eng'", "ISO 639-3"]),
    (["run", "-l", "english", "-m", "mieb/tiny-clip-shapes"], ["Unknown language 'english'", "ISO 639-3"]),
    (["list", "models", "--family", "sigclip"], ["Unknown model family 'sigclip'", "'siglip'", "Families: align"]),
    (["list", "tasks", "--categories", "xyz"], ["Unknown category 'xyz'", "it2t"]),
    (["run", "--categories", "xyz", "-m", "mieb/tiny-clip-shapes"], ["Unknown category 'xyz'"]),
    (["run", "--task-types", "Compositionality", "-l", "deu", "-m", "mieb/tiny-clip-shapes"],
     ["no task matches all of the filters", "--task-types Compositionality selects 7", "--languages deu selects"]),
    (["list", "tasks", "--task-types", "Compositionality", "-l", "deu"], ["no task matches all of the filters"]),
    (["run", "-t", "ShapesZeroShot", "-m", "./missing-folder"], ["model folder ./missing-folder does not exist"]),
])
def test_empty_or_wrong_selection_exits_2_with_a_hint(args, needles, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, err


def test_misspelt_task_type_suggests_each_name_once(capsys):
    assert main(["list", "tasks", "--task-types", "retrieval"]) == 2
    err = capsys.readouterr().err
    assert err.count("'Any2AnyRetrieval'") == 1 and "Did you mean 'Any2AnyRetrieval', 'Any2AnyMultilingualRetrieval'?" in err
    hits = suggest("retrieval", ["Any2AnyRetrieval", "DocumentUnderstanding", "Any2AnyMultilingualRetrieval"])
    assert len(hits) == len(set(hits))


def test_benchmark_names_ignore_case(capsys):
    assert mieb.get_benchmark("mieb(lite)").name == "MIEB(lite)"
    assert mieb.get_benchmark("MIEB(OFFLINE)").name == "MIEB(offline)"
    with pytest.raises(UnknownNameError):
        mieb.get_benchmark("mieb(lite")
    assert main(["list", "tasks", "-b", "mieb(offline)"]) == 0
    assert "ShapesZeroShot" in capsys.readouterr().out


def test_offline_tasks_stay_out_of_filter_selections(capsys):
    every = {t.name for t in mieb.get_tasks()}
    assert len(every) == 132 and not any(n.startswith("Shapes") for n in every)
    zs = {t.name for t in mieb.get_tasks(task_types=["ZeroShotClassification"])}
    assert len(zs) == 23 and "ShapesZeroShot" not in zs
    assert "ShapesZeroShot" in {t.name for t in mieb.get_tasks(task_types=["ZeroShotClassification"],
                                                               include_offline=True)}
    assert [t.name for t in mieb.get_tasks(["ShapesZeroShot"])] == ["ShapesZeroShot"]  # by name: always
    assert main(["list", "tasks", "--task-types", "ZeroShotClassification"]) == 0
    out = capsys.readouterr().out
    assert "ShapesZeroShot" not in out and "CIFAR10ZeroShot" in out
    assert main(["list", "tasks", "-t", "ShapesZeroShot"]) == 0
    assert "ShapesZeroShot" in capsys.readouterr().out


def test_model_path_that_is_not_a_checkpoint_folder(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        mieb.get_model_meta(str(tmp_path / "nothing-here"))
    (tmp_path / "weights.bin").write_bytes(b"")
    with pytest.raises(UsageError, match="is a file, not a checkpoint folder"):
        mieb.get_model_meta(str(tmp_path / "weights.bin"))
    with pytest.raises(UsageError, match="has no config.json"):
        mieb.get_model_meta(str(tmp_path))
    with pytest.raises(UnknownNameError, match="Unknown model 'openai/clip-vit-base-patch23'"):
        mieb.get_model_meta("openai/clip-vit-base-patch23")  # a name, not a path: suggestions as before
