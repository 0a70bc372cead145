"""Tasks of your own: the README's example as written, task files for the CLI, and light exports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import solid_image

import mieb
from mieb.cli import main
from mieb.errors import UsageError

README = Path(__file__).resolve().parent.parent / "README.md"
MODEL = "mieb/tiny-clip-shapes"  # the README's model needs the Hub; the bundled one runs here


def _readme_block(language: str, needle: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    found = [b for b in blocks if needle in b]
    assert len(found) == 1, f"README: one {language} block with {needle!r} expected"
    return found[0]


def _pets(root: Path) -> Path:
    """The README's folder: pets/test/<class>/<image>, red cats and blue dogs."""
    for cls, rgb in (("cat", (220, 30, 30)), ("dog", (30, 30, 220))):
        folder = root / "pets" / "test" / cls
        folder.mkdir(parents=True)
        for i in range(3):
            (folder / f"{i}.png").write_bytes(solid_image(rgb, noise=10, seed=i))
    return root / "pets"


def test_readme_user_task_python_and_yaml_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    _pets(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = _readme_block("python", "MyPetsZeroShot").replace("openai/clip-vit-base-patch32", MODEL)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's example, as written
    score = float(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0.0 <= score <= 1.0

    # The YAML block, from another working directory: the dataset path is read next to the file.
    (tmp_path / "my_tasks.yaml").write_text(_readme_block("yaml", "MyPetsZeroShot"), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "pets")
    assert main(["list", "tasks", "--tasks-from", str(tmp_path / "my_tasks.yaml")]) == 0
    listing = capsys.readouterr().out
    assert "MyPetsZeroShot" in listing
    assert main(["run", "--tasks-from", str(tmp_path / "my_tasks.yaml"), "-m", MODEL, "--output-folder",
                 str(tmp_path / "cli-results"), "--no-progress"]) == 0
    written = next((tmp_path / "cli-results").rglob("MyPetsZeroShot.json"))
    assert json.loads(written.read_text())["scores"]["test"][0]["main_score"] == pytest.approx(score, abs=1e-6)
    commands = _readme_block("bash", "--tasks-from my_tasks.yaml")
    assert "mieb run --tasks-from my_tasks.yaml -m" in commands


def test_task_files_json_and_python(tmp_path: Path) -> None:
    _pets(tmp_path)
    yaml_text = _readme_block("yaml", "MyPetsZeroShot")
    import yaml

    (mapping,) = yaml.safe_load(yaml_text)
    (tmp_path / "tasks.json").write_text(json.dumps({"tasks": [mapping]}))
    (task,) = mieb.tasks_from_file(tmp_path / "tasks.json")
    assert task.metadata.settings == mieb.ZeroShotSettings(template="a photo of a {name}.")
    assert task.metadata.dataset.path == str((tmp_path / "pets").resolve())

    (tmp_path / "tasks.py").write_text(
        "import mieb\n"
        "TASKS = [mieb.TaskMetadata(name='PyTask', description='d', type='ImageClustering', category='i2c',\n"
        "    modalities=['image'], dataset=mieb.DatasetRef(path='pets', revision='local'), eval_splits=['test'],\n"
        "    eval_langs=['eng-Latn'], main_score='nmi', settings=mieb.ClusteringSettings())]\n")
    (py_task,) = mieb.tasks_from_file(tmp_path / "tasks.py")
    assert py_task.name == "PyTask" and py_task.metadata.settings.kind == "clustering"


@pytest.mark.parametrize("content,suffix,needle", [
    ("- name: X\n  settings: {kind: nope}\n", ".yaml", "settings need a 'kind'"),
    ("- [unclosed\n", ".yaml", "is not valid YAML"),
    ("{", ".json", "is not valid JSON"),
    ("- name: Bad Name\n", ".yaml", "task 1"),
    ("TASKS = 3\n", ".py", "must define TASKS"),
    ("raise RuntimeError('boom')\n", ".py", "failed to run: RuntimeError: boom"),
    ("[]", ".json", "defines no task"),
    ("x", ".txt", "expected a .py, .yaml, .yml or .json file"),
])
def test_bad_task_files_name_the_file(tmp_path: Path, content: str, suffix: str, needle: str) -> None:
    path = tmp_path / f"tasks{suffix}"
    path.write_text(content)
    with pytest.raises(UsageError, match=re.escape(needle)) as err:
        mieb.tasks_from_file(path)
    assert str(path) in str(err.value)


def test_cli_task_file_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", "--tasks-from", str(tmp_path / "missing.yaml"), "-m", MODEL]) == 2
    assert "does not exist" in capsys.readouterr().err
    clash = dict(yaml_mapping(), name="CIFAR10ZeroShot")
    (tmp_path / "clash.json").write_text(json.dumps([clash]))
    assert main(["list", "tasks", "--tasks-from", str(tmp_path / "clash.json")]) == 2
    assert "has the name of a MIEB task" in capsys.readouterr().err


def yaml_mapping() -> dict:
    import yaml

    return yaml.safe_load(_readme_block("yaml", "MyPetsZeroShot"))[0]


def test_settings_classes_are_exported_without_heavy_imports() -> None:
    code = ("import sys, mieb\n"
            "names = [n for n in mieb.__all__ if n.endswith('Settings')]\n"
            "assert len(names) == 9, names\n"
            "for n in mieb.__all__:\n    getattr(mieb, n)\n"
            "heavy = [m for m in ('torch', 'transformers', 'datasets') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    from mieb.tasks.kinds.retrieval import RetrievalSettings

    assert mieb.RetrievalSettings is RetrievalSettings
