"""Names never escape their folder: every path component from a name goes through one check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_models import ColourOracle, colour_meta
from local_tasks import colour_zeroshot
from pydantic import ValidationError

from mieb.cli import main
from mieb.errors import UsageError
from mieb.models.registry import get_model_meta
from mieb.results.io import error_path, result_path
from mieb.runner.run import MIEB

# Behaviour tests use only the public entry points (so they run, and fail, on code without the check too);
# the check itself is `mieb.paths.safe_component`.

RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)
UNSAFE = ["", ".", "..", "/abs/dir", "../../x", "a/b", "a\\b", "x\x00y", "tab\there", ".hidden", "x" * 201]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")} if root.exists() else set()


@pytest.mark.parametrize("name", ["openai__clip-vit-base-patch16", "57c216476eefef5ab752ec549e440a49ae4ae5f3",
                                  "no_revision_available", "MIEB(lite)", "CIFAR10ZeroShot", "v1.0", "a..b"])
def test_plain_names_pass_unchanged(name: str) -> None:
    from mieb.paths import safe_component

    assert safe_component(name, "name") == name


@pytest.mark.parametrize("name", UNSAFE)
def test_names_that_would_escape_or_hide_are_refused(name: str) -> None:
    from mieb.paths import UnsafeNameError, safe_component

    with pytest.raises(UnsafeNameError, match="cannot be used as a file or folder name"):
        safe_component(name, "model revision")


def test_reference_folder_naming_is_kept() -> None:
    from mieb.paths import model_folder_name

    assert model_folder_name("openai/clip-vit-base-patch16") == "openai__clip-vit-base-patch16"
    assert model_folder_name("org/my model") == "org__my_model"
    meta = get_model_meta("openai/clip-vit-base-patch16")
    assert result_path("r", meta.folder_name, meta.revision_folder, "DTD") == \
        Path("r/openai__clip-vit-base-patch16/57c216476eefef5ab752ec549e440a49ae4ae5f3/DTD.json")
    assert error_path("r", "m", "no_revision_available", "DTD") == Path("r/m/no_revision_available/errors/DTD.json")


@pytest.mark.parametrize("parts", [("..", "1", "T"), ("m", "/abs", "T"), ("m", "1", "../T"), ("m", "..", "T")])
def test_result_and_error_paths_refuse_unsafe_parts(parts: tuple[str, str, str]) -> None:
    for build in (result_path, error_path):
        with pytest.raises(UsageError, match="cannot be used as a file or folder name"):
            build("out", *parts)


@pytest.mark.parametrize("revision", ["/some/abs/dir", "../../x", ".."])
def test_cli_model_revision_cannot_leave_the_output_folder(revision: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    """`--model-revision /abs/dir` used to write results there; `../../x` climbed out of --output-folder."""
    target = tmp_path / "elsewhere"
    rev = str(target) if revision.startswith("/") else revision
    out = tmp_path / "a" / "b" / "results"
    code = main(["run", "-t", "ShapesZeroShot", "-m", "mieb/tiny-clip-shapes", "--model-revision", rev,
                 "--output-folder", str(out), "--no-progress", "--no-cache"])
    assert code == 2
    err = capsys.readouterr().err
    assert "model revision" in err and "cannot be used as a file or folder name" in err
    assert _files(tmp_path) == set()  # nothing written anywhere, inside or outside


def test_python_api_model_named_dot_dot(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be used as a file or folder name"):
        colour_meta(name="..")
    # A card changed without validation (model_copy) is still caught where the path is built.
    sneaky = ColourOracle(colour_meta().model_copy(update={"name": ".."}))
    out = tmp_path / "inner" / "out"
    task = colour_zeroshot(tmp_path / "data")
    before = _files(tmp_path)
    with pytest.raises(UsageError, match="model name"):
        MIEB([task]).run(sneaky, output_folder=out, **RUN)
    assert _files(tmp_path) == before


def test_task_names_are_checked(tmp_path: Path) -> None:
    md = colour_zeroshot(tmp_path).metadata
    fields = {k: getattr(md, k) for k in type(md).model_fields}
    type(md)(**fields)  # the fields as they are make a valid task
    for bad in ("..", ".hidden", "a\\b"):
        with pytest.raises(ValidationError, match="task name"):
            type(md)(**{**fields, "name": bad})


def test_a_task_name_read_from_a_results_file_cannot_escape_the_site(tmp_path: Path) -> None:
    """The leaderboard site copies local result files to files/<model>/<task>.json; the task name comes
    from inside the file."""
    from mieb.leaderboard.scores import ScoreSet
    from mieb.leaderboard.site import build_site

    rev = tmp_path / "results" / "org__model" / "1"
    rev.mkdir(parents=True)
    good = {"task_name": "Winoground", "dataset_revision": "x", "scores": {"test": [
        {"main_score": 0.5, "hf_subset": "default", "text_acc": 0.5}]}}
    (rev / "Winoground.json").write_text(json.dumps(good))
    (rev / "Evil.json").write_text(json.dumps({**good, "task_name": "../../../escaped"}))
    (tmp_path / "escaped.json").write_text(json.dumps(good))  # where that name points from the revision folder
    site = tmp_path / "deep" / "er" / "site"
    scores = ScoreSet.from_folder(tmp_path / "results")
    build_site(scores, ["MIEB(lite)"], site)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("escaped.json")) == [Path("escaped.json")]
    assert (site / "files").is_dir()


def test_a_model_card_revision_cannot_be_unsafe() -> None:
    with pytest.raises(UsageError, match="model revision"):
        get_model_meta("openai/clip-vit-base-patch16", "../../x")
    with pytest.raises(ValidationError, match="model revision"):
        colour_meta().model_validate({**colour_meta().model_dump(), "revision": "/tmp/x"})


def test_a_dataset_revision_cannot_be_unsafe() -> None:
    from mieb.tasks.metadata import DatasetRef

    assert DatasetRef(path="mteb/cifar10", revision="69a62dd171e24a133d193073e73fda4dbb823266").revision
    with pytest.raises(ValidationError, match="dataset revision"):
        DatasetRef(path="mteb/cifar10", revision="../../../x")
