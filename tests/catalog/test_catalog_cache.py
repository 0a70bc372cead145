"""What each task reads, the cache check, offline loading, `mieb download`, `mieb list tasks --stats` and the
gated-dataset error, all without network.

A "hub" cache is simulated faithfully: a schema fixture is prepared by `datasets` (through the task's
loader), and its prepared Arrow folders are placed where `datasets` puts a hub dataset prepared at a
commit (`<HF_DATASETS_CACHE>/<namespace>___<name>/<config>/<version>/<commit>/`), which is all
`load_dataset` reads with HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import load
from schemas import SchemaFolders
from test_catalog_metadata import mieb_tasks

import mieb
from mieb.cli import main
from mieb.cli.download import Outcome, download
from mieb.cli.listing import task_size
from mieb.data.hub_cache import DataNeed, arrow_cache_folder
from mieb.errors import TaskDataError
from mieb.tasks.kinds import compositionality, retrieval
from mieb.tasks.task import Task


def task_needs(task: Task) -> list[DataNeed]:
    return task.data_needs()


def cache_status(task: Task) -> str:
    return task.cache_status()


def test_every_task_declares_what_it_reads() -> None:
    loaders = {getattr(m.settings, "loader", None) for m in mieb_tasks().values()} - {None}
    assert loaders <= set(retrieval.LOADERS.names()) | set(compositionality.LOADERS.names())
    for name in mieb_tasks():
        assert task_needs(mieb.get_task(name)), name


@pytest.mark.parametrize("name,needs", [
    ("DTD", [DataNeed(None, "test"), DataNeed(None, "train")]),
    ("SugarCrepe", [DataNeed(None, "train")]),
    ("Flickr30kT2IRetrieval", [DataNeed("corpus"), DataNeed("queries", alternatives=("query",)),
                               DataNeed("qrels", alternatives=("default",))]),
    ("VidoreDocVQARetrieval", [DataNeed("queries", "test"), DataNeed("corpus", "test"), DataNeed("qrels", "test")]),
    ("ImageCoDe", [DataNeed("corpus", "corpus"), DataNeed("query", "test"), DataNeed("qrels", "test")]),
    ("HatefulMemesT2IRetrieval", [DataNeed(None, "test"), DataNeed(None, "validation"), DataNeed(None, "train")]),
    ("VisualSTS-b-Eng", [DataNeed("en", "dev"), DataNeed("en", "test")]),
])
def test_task_needs(name: str, needs: list[DataNeed]) -> None:
    assert task_needs(mieb.get_task(name)) == needs


def test_multilingual_needs_follow_the_subsets() -> None:
    assert task_needs(mieb.get_task("WITT2IRetrieval", hf_subsets=["ko", "en"])) == [DataNeed(None, "ko"),
                                                                                      DataNeed(None, "en")]
    sts17 = task_needs(mieb.get_task("VisualSTS17Multilingual"))
    assert [n.config for n in sts17] == mieb.get_task_metadata("VisualSTS17Multilingual").settings.hf_subsets


# -- a simulated hub cache ----------------------------------------------------------------------------
def publish(schemas: SchemaFolders, name: str, revision: str | None = None) -> Task:
    """Prepare task `name`'s schema fixture with its loader, then place the prepared configs where
    `datasets` keeps the hub dataset at `revision` (default: the pinned one). Returns the catalog task."""
    task = mieb.get_task(name)
    meta = task.metadata
    local = schemas.task(meta, task.hf_subsets)
    for split in meta.eval_splits:
        for subset in local.hf_subsets:
            load(local, split, subset)
    source = arrow_cache_folder(local.metadata.dataset.path)
    target = arrow_cache_folder(meta.dataset.path)
    prefix = source.name
    for info in source.glob("*/*/*/dataset_info.json"):
        config, version = info.parent.parent.parent.name, info.parent.parent.name
        dest = target / config / version / (revision or meta.dataset.revision)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(info.parent, dest)
        for f in dest.glob(f"{prefix}-*.arrow"):  # arrow files are named after the dataset
            f.rename(dest / f.name.replace(prefix, target.name.split("___")[-1], 1))
    return task


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", Path(__import__("os").environ["HF_DATASETS_CACHE"]))


@pytest.mark.parametrize("name", ["Flickr30kT2IRetrieval", "MemotionI2TRetrieval", "XFlickr30kCoT2IRetrieval",
                                  "ImageCoDe", "Country211ZeroShot", "VisualSTS17Eng"])
def test_cached_tasks_load_offline(name: str, schemas: SchemaFolders, offline: None) -> None:
    """The cache check and offline loading agree: what `task_needs` lists is what the loader reads."""
    task = mieb.get_task(name)
    if task.metadata.settings.kind == "aggregate":
        task = task.kind.subtasks(task)[0]
    task = Task(task.metadata, task.hf_subsets[:2])
    assert cache_status(task) == "no"
    publish(schemas, task.name)
    task = Task(mieb.get_task_metadata(task.name), task.hf_subsets)
    assert cache_status(task) == "yes"
    for split in task.metadata.eval_splits:
        for subset in task.hf_subsets:
            assert load(task, split, subset) is not None


def test_cache_status_partial_and_other_revision(schemas: SchemaFolders) -> None:
    publish(schemas, "VidoreTabfquadRetrieval")
    task = mieb.get_task("VidoreTabfquadRetrieval")
    assert cache_status(task) == "yes"
    shutil.rmtree(arrow_cache_folder(task.metadata.dataset.path) / "qrels")
    assert cache_status(task) == "partial"
    other = mieb.get_task("VidoreInfoVQARetrieval")
    publish(schemas, other.name, revision="0" * 40)
    assert cache_status(other) == "no"


def test_offline_refuses_another_revision(schemas: SchemaFolders, offline: None) -> None:
    publish(schemas, "STS13VisualSTS", revision="1" * 40)
    task = mieb.get_task("STS13VisualSTS")
    with pytest.raises(TaskDataError, match="only at revision.*not at the pinned 576f4c43"):
        load(task, "test", "default")


def test_offline_and_not_cached_says_how_to_fetch(offline: None) -> None:
    task = mieb.get_task("STS14VisualSTS")
    with pytest.raises(TaskDataError, match="not in the local Hugging Face cache.*mieb download -t STS14VisualSTS"):
        load(task, "test", "default")


def test_gated_dataset_says_how_to_authenticate(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets
    from datasets.exceptions import DatasetNotFoundError

    from mieb import hub

    def gated(*args: object, **kwargs: object) -> None:
        raise DatasetNotFoundError("Dataset 'facebook/winoground' is a gated dataset on the Hub. "
                                   "You must be authenticated to access it.")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "probe", lambda *args, **kwargs: None)  # the Hub answers (and says: gated)
    monkeypatch.setattr(datasets, "load_dataset", gated)
    task = mieb.get_task("Winoground")
    with pytest.raises(TaskDataError) as err:
        load(task, "test", "default")
    message = str(err.value)
    assert "gated" in message and "hf auth login" in message and "HF_TOKEN" in message
    assert "https://huggingface.co/datasets/facebook/winoground" in message


# -- mieb download -----------------------------------------------------------------------------------------
def test_download_fetches_then_finds_in_cache(schemas: SchemaFolders, tmp_path: Path) -> None:
    meta = mieb.get_task_metadata("AROVisualRelation")
    fresh = SchemaFolders(tmp_path)  # a folder of its own, so nothing is prepared yet
    tasks = [fresh.task(meta), schemas.task(mieb.get_task_metadata("CIFAR10Clustering"))]
    seen: list[tuple[int, int, str, Outcome | None]] = []
    first = download(tasks, lambda i, n, t, o: seen.append((i, n, t.name, o)))
    assert [o.status for o in first] == ["downloaded", "downloaded"] and not first[0].message
    assert [(i, n, o is None) for i, n, _, o in seen] == [(1, 2, True), (1, 2, False), (2, 2, True), (2, 2, False)]
    assert [o.status for o in download(tasks)] == ["cached", "cached"]


def test_download_goes_on_after_a_failure(schemas: SchemaFolders) -> None:
    missing = Task(mieb.get_task_metadata("DTD").model_copy(update={"dataset": mieb.tasks.metadata.DatasetRef(
        path=str(Path(schemas.root) / "no-such-folder"), revision="x")}))
    ok = schemas.task(mieb.get_task_metadata("DTD"))
    expected = "cached" if cache_status(ok) == "yes" else "downloaded"
    outcomes = download([missing, ok])
    assert [o.status for o in outcomes] == ["failed", expected]
    assert "DTD" in outcomes[0].message


def test_download_command_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import mieb.cli.download as cli_download
    from mieb import hub

    def fake_fetch(task: Task) -> None:
        if task.metadata.dataset.gated:
            raise TaskDataError(task.name, "dataset facebook/winoground is gated: log in with `hf auth login`")

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "probe", lambda *args, **kwargs: None)  # the Hub answers
    monkeypatch.setattr(cli_download, "fetch", fake_fetch)
    monkeypatch.setattr(Task, "cache_status", lambda task: "no")
    assert main(["download", "-t", "Winoground", "VisualSTS17Eng"]) == 1
    out = capsys.readouterr()
    assert "FAILED Winoground" in out.out and "hf auth login" in out.out
    assert "STS17MultilingualVisualSTS: downloaded" in out.err  # the aggregate fetches its subtask
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["download", "-b", "MIEB(lite)"]) == 2
    assert "HF_HUB_OFFLINE" in capsys.readouterr().err


# -- mieb list tasks --stats ---------------------------------------------------------------------------
def test_task_size_counts_what_is_embedded() -> None:
    birdsnap = task_size(mieb.get_task("Birdsnap"))  # 1851 test images + at most 490 labels x 16 x 5 train images
    assert (birdsnap.samples, birdsnap.images, birdsnap.texts) == (1851, 1851 + 16000, 0)
    flickr = task_size(mieb.get_task("Flickr30kT2IRetrieval"))
    assert (flickr.samples, flickr.images, flickr.texts) == (6000, 1000, 5000)
    stsb = task_size(mieb.get_task("STSBenchmarkMultilingualVisualSTS"))
    assert (stsb.samples, stsb.images, stsb.texts) == (15000 + 13790, 2 * (15000 + 13790), 0)
    hateful = task_size(mieb.get_task("HatefulMemesI2TRetrieval"))  # queries counted from the reference's stats
    assert (hateful.samples, hateful.images, hateful.texts) == (9045, 1000, 8045)
    assert task_size(mieb.get_task("WITT2IRetrieval", languages=["kor"])).partial


def test_list_tasks_stats_and_cached(capsys: pytest.CaptureFixture) -> None:
    assert main(["list", "tasks", "-b", "MIEB(lite)", "--stats"]) == 0
    out = capsys.readouterr().out
    assert "51 tasks" in out and re.search(r"total\s*│\s*│\s*│\s*[\d,]+", out)
    assert re.search(r"CUB200I2IRetrieval .*│\s*11,588 │\s*11,588 │\s*0 │ (no|yes|partial)", out)
    assert main(["list", "tasks", "-t", "ShapesZeroShot", "STS12VisualSTS"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"ShapesZeroShot .*│ local", out) and re.search(r"STS12VisualSTS .*│ (no|yes|partial)", out)
