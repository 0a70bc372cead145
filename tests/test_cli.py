"""The command line: exit codes, suggestions, and staying light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mieb.cli import main


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mieb", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args,needle", [
    (["run", "-t", "ShapesZeroshot", "-m", "mieb/tiny-clip-shapes"], "Did you mean 'ShapesZeroShot'"),
    (["run", "-b", "MIEB(ofline)", "-m", "mieb/tiny-clip-shapes"], "MIEB(offline)"),
    (["run", "-b", "MIEB(offline)", "-m", "openai/clip-vit-base-patch23"], "openai/clip-vit-base-patch32"),
])
def test_unknown_names_exit_2_with_suggestions(args: list[str], needle: str, capsys: pytest.CaptureFixture) -> None:
    assert main(args) == 2
    assert needle in capsys.readouterr().err


def test_list_commands(capsys: pytest.CaptureFixture) -> None:
    assert main(["list", "tasks", "--task-types", "ZeroShotClassification"]) == 0
    assert "CIFAR10ZeroShot" in capsys.readouterr().out
    assert main(["list", "benchmarks"]) == 0
    assert "MIEB(offline)" in capsys.readouterr().out
    assert main(["list", "models", "--family", "clip"]) == 0
    assert "openai/clip-vit-base-patch16" in capsys.readouterr().out


def test_light_imports() -> None:
    """`import mieb`, `mieb --help` and `mieb list` import neither torch nor transformers."""
    code = (
        "import sys, mieb\n"
        "from mieb.cli import main\n"
        "mieb.get_tasks(); mieb.get_benchmarks(); mieb.get_model_metas()\n"
        "for argv in (['list', 'tasks'], ['list', 'models'], ['list', 'benchmarks']):\n"
        "    main(argv)\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'datasets', 'sklearn') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_help_exits_cleanly() -> None:
    proc = _run("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "list" in proc.stdout


def test_exit_now_keeps_output_atexit_handlers_and_the_exit_code(tmp_path) -> None:
    """`mieb`'s quick exit skips only the interpreter's teardown: buffered stdout/stderr come out, atexit
    handlers (logging's flush, temporary folders) run, and the status is the command's."""
    code = (
        "import atexit, logging, sys, tempfile\n"
        "from mieb.cli import exit_now\n"
        "folder = tempfile.TemporaryDirectory(dir=sys.argv[1])\n"
        "handler = logging.StreamHandler(open(sys.argv[1] + '/log.txt', 'w'))\n"
        "logging.getLogger('x').addHandler(handler); logging.getLogger('x').warning('logged')\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        "sys.stdout.write('buffered, no newline'); sys.stderr.write('err, no newline')\n"
        "exit_now(3)\n"
        "print('never printed')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert proc.stdout == "buffered, no newlineatexit ran\n"
    assert proc.stderr == "err, no newline"
    assert (tmp_path / "log.txt").read_text() == "logged\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log.txt"]  # the temporary folder was removed


def test_command_exit_codes_through_the_quick_exit() -> None:
    assert _run("list", "benchmarks").returncode == 0
    proc = _run("list", "tasks", "--languages", "english")
    assert proc.returncode == 2 and "Did you mean 'eng'" in proc.stderr
    assert _run("run").returncode == 2  # argparse's own exit (missing -m) is untouched
