"""Reading results: mieb's files and the reference's (1.x, pre-1.11 and 2.x), in every folder layout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import mieb
from mieb.leaderboard.scores import PUBLISHED, ScoreSet
from mieb.results.io import result_path, write_json_atomic
from mieb.results.load import load_results
from mieb.results.schema import TaskResult

DATA = Path(__file__).parent / "data"
# The reference's untouched result files of two models for all 132 tasks (CC0, from the shared reference's
# published_results/raw_sample; see data/README.md).
RAW_SAMPLE = DATA / "raw_sample.tar.xz"
CLIP, CLIP_REV = "openai/clip-vit-base-patch32", "3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268"


def test_every_raw_sample_file_loads(tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(RAW_SAMPLE) as tar:
        tar.extractall(tmp_path, filter="data")
    raw = tmp_path / "raw_sample"
    files = {p.parent.parent.name: 0 for p in raw.glob("*/*/*.json")}
    results = load_results(raw)
    assert {m.model_name for m in results} == {CLIP, "google/siglip-base-patch16-224"}
    for m in results:
        on_disk = [p for p in m.path.glob("*.json") if p.name != "model_meta.json"]
        assert len(m.tasks) == len(on_disk) == 132
        assert m.meta["name"] == m.model_name
    assert len(files) == 2


def test_v1_and_v2_files_load_and_score():
    v1 = load_results(DATA / "reference_v1")
    v2 = load_results(DATA / "reference_v2")
    assert [(m.model_name, m.revision) for m in v1] == [(CLIP, CLIP_REV)]
    assert v2[0].model_name == "google/siglip-base-patch16-224"
    sts = v2[0].tasks["STS17MultilingualVisualSTS"]
    assert sts.mteb_version == "2.26.24" and len(sts.scores["test"]) == 11
    assert sts.evaluation_phases[0]["name"] == "encode"  # 2.x-only fields are kept
    assert v1[0].tasks["CIFAR10ZeroShot"].get_score() == pytest.approx(0.8831)
    assert v2[0].tasks["CIFAR10ZeroShot"].get_score() == pytest.approx(0.9257)


def test_pre_1_11_format_is_converted(tmp_path):
    rev = tmp_path / "old__model" / "rev1"
    rev.mkdir(parents=True)
    (rev / "STS13VisualSTS.json").write_text(json.dumps({
        "mteb_dataset_name": "STS13VisualSTS", "mteb_version": "1.1.0", "dataset_revision": "abc",
        "test": {"cos_sim": {"pearson": 0.5, "spearman": 0.61}, "evaluation_time": 3.0},
    }))
    (rev / "STS17MultilingualVisualSTS.json").write_text(json.dumps({
        "mteb_dataset_name": "STS17MultilingualVisualSTS", "mteb_version": "1.2.0",
        "test": {"en-en": {"cos_sim": {"spearman": 0.7}}, "ko-ko": {"cos_sim": {"spearman": 0.3}},
                 "evaluation_time": 2.0},
    }))
    (m,) = load_results(tmp_path)
    sts13 = m.tasks["STS13VisualSTS"]
    assert sts13.scores["test"][0]["main_score"] == 0.61 and sts13.scores["test"][0]["cosine_pearson"] == 0.5
    assert sts13.evaluation_time == 3.0
    sts17 = m.tasks["STS17MultilingualVisualSTS"]
    assert {e["hf_subset"] for e in sts17.scores["test"]} == {"en-en", "ko-ko"}
    assert sts17.get_score() == pytest.approx(0.5)


def test_results_repository_clone_layout(tmp_path):
    """A clone keeps scores under results/; experiments/ and errors/ hold other runs and are skipped."""
    clone = tmp_path / "results-clone"
    shutil.copytree(DATA / "reference_v1", clone / "results")
    (clone / "paths.json").write_text("{}")
    rev = clone / "results" / "openai__clip-vit-base-patch32" / CLIP_REV
    (rev / "experiments" / "bigger-batch").mkdir(parents=True)
    shutil.copy(rev / "Winoground.json", rev / "experiments" / "bigger-batch" / "Winoground.json")
    (rev / "errors").mkdir()
    (rev / "errors" / "CIFAR10.json").write_text('{"error": "x"}')
    (m,) = load_results(clone)
    assert m.model_name == CLIP and set(m.tasks) == {"CIFAR10ZeroShot", "STS17MultilingualVisualSTS",
                                                     "VisualSTS17Multilingual", "Winoground"}
    (only,) = load_results(clone, tasks=["Winoground"])
    assert list(only.tasks) == ["Winoground"]


def test_mieb_written_results_load(tmp_path):
    meta = mieb.get_model_meta(CLIP)
    tr = TaskResult(task_name="Winoground", dataset_revision="r1", mieb_version="0.1.0",
                    scores={"test": [{"main_score": 0.1, "text_acc": 0.1, "hf_subset": "default", "languages": ["eng-Latn"]}]},
                    mieb={"complete": True, "task": {"protocol_version": "1"}})
    tr.to_disk(result_path(tmp_path, meta.folder_name, meta.revision_folder, "Winoground"))
    write_json_atomic(tmp_path / meta.folder_name / meta.revision_folder / "model_meta.json", meta.to_dict())
    (m,) = mieb.load_results(tmp_path)
    assert (m.model_name, m.revision) == (CLIP, meta.revision_folder)
    assert m.tasks["Winoground"].mieb["complete"] is True


def test_score_set_from_folder_and_published(published):
    local = ScoreSet.from_folder(DATA / "reference_v1")
    (entry,) = local.models
    assert entry.n_parameters == 151277313 and entry.modalities == ("image", "text")
    assert Path(entry.files["Winoground"].location).is_file()
    assert len([r for r in local.rows if r.task == "STS17MultilingualVisualSTS"]) == 11
    both = ScoreSet.combine([published, local])
    labels = both.labels()
    assert labels[entry.key] != labels[f"{PUBLISHED}::{CLIP}@{CLIP_REV}"]  # same model, two rows, told apart
    pub = published.model(f"{PUBLISHED}::{CLIP}@{CLIP_REV}")
    assert pub.files["Winoground"].location.endswith(f"results/openai__clip-vit-base-patch32/{CLIP_REV}/Winoground.json")
    assert pub.files["Winoground"].version == "1.14.15"
