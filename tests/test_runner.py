"""The runner end to end on local tasks with known answers: results on disk, skipping, resuming, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_models import ColourOracle, colour_meta
from local_tasks import colour_t2i, colour_zeroshot

from mieb.errors import ModalityError
from mieb.results.io import write_json_atomic
from mieb.runner.run import MIEB
from mieb.tasks.metadata import DatasetRef
from mieb.tasks.task import Task

# The embedding cache is off here: these tests count what the runner encodes; tests/cache covers it.
RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, cache=False)


def _result_dir(out: Path) -> Path:
    return out / "test__colour-oracle" / "1"


def test_zeroshot_known_answer_and_result_format(tmp_path: Path) -> None:
    task = colour_zeroshot(tmp_path)
    report = MIEB([task]).run(ColourOracle(), output_folder=tmp_path / "out", **RUN)
    assert report.ok and len(report) == 1
    data = json.loads((_result_dir(tmp_path / "out") / "ColourZeroShot.json").read_text())
    assert {"dataset_revision", "task_name", "mteb_version", "scores", "evaluation_time", "kg_co2_emissions",
            "date"} <= set(data)
    entry = data["scores"]["test"][0]
    assert entry["accuracy"] == 1.0 and entry["main_score"] == 1.0
    assert entry["hf_subset"] == "default" and entry["languages"] == ["eng-Latn"]
    assert {"f1", "f1_weighted", "precision", "recall"} <= set(entry)
    info = data["mieb"]
    assert info["complete"] is True
    assert info["run"]["precision"] == "fp32" and info["run"]["batch_size"] == 4
    assert info["task"]["dataset_revision"] == "local" and info["task"]["protocol_version"] == "1"
    assert info["counts"]["images_encoded"] == 12 and info["counts"]["texts_encoded"] == 4
    assert set(info["timings"]) == {"load", "encode", "score", "total"}
    assert info["versions"]["torch"]
    meta = json.loads((_result_dir(tmp_path / "out") / "model_meta.json").read_text())
    assert meta["name"] == "test/colour-oracle" and meta["revision"] == "1"


def test_retrieval_known_answer(tmp_path: Path) -> None:
    report = MIEB([colour_t2i(tmp_path)]).run(ColourOracle(), output_folder=tmp_path / "out", **RUN)
    scores = report.results[0].scores["test"][0]
    assert scores["ndcg_at_10"] == 1.0 and scores["main_score"] == 1.0
    for k in (1, 3, 5, 10, 20, 100, 1000):
        assert {f"ndcg_at_{k}", f"map_at_{k}", f"recall_at_{k}", f"precision_at_{k}", f"mrr_at_{k}",
                f"hit_rate_at_{k}"} <= set(scores)


def test_rerun_skips_finished_tasks(tmp_path: Path) -> None:
    tasks = [colour_zeroshot(tmp_path), colour_t2i(tmp_path)]
    MIEB(tasks).run(ColourOracle(), output_folder=tmp_path / "out", **RUN)
    model = ColourOracle()
    report = MIEB(tasks).run(model, output_folder=tmp_path / "out", **RUN)
    assert sorted(report.skipped) == ["ColourT2IRetrieval", "ColourZeroShot"]
    assert model.image_calls == 0 and model.text_calls == 0
    assert len(report.results) == 2


def test_a_model_of_the_wrong_type_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not int"):
        MIEB([colour_zeroshot(tmp_path)]).run(42, output_folder=tmp_path / "out", **RUN)


def test_incomplete_task_is_completed(tmp_path: Path) -> None:
    task = colour_t2i(tmp_path, languages=("eng", "deu"))
    MIEB([task]).run(ColourOracle(), output_folder=tmp_path / "out", **RUN)
    path = _result_dir(tmp_path / "out") / "ColourT2IRetrieval.json"
    data = json.loads(path.read_text())
    data["scores"]["test"] = [e for e in data["scores"]["test"] if e["hf_subset"] == "eng"]
    path.write_text(json.dumps(data))
    model = ColourOracle()
    report = MIEB([task]).run(model, output_folder=tmp_path / "out", **RUN)
    assert report.ok and report.skipped == []
    assert model.text_calls == 1  # only the missing subset was encoded
    subsets = sorted(e["hf_subset"] for e in json.loads(path.read_text())["scores"]["test"])
    assert subsets == ["deu", "eng"]


def test_failing_task_is_recorded_and_run_goes_on(tmp_path: Path) -> None:
    broken = colour_zeroshot(tmp_path, name="BrokenZeroShot", broken_row=5)
    good = colour_t2i(tmp_path)
    out = tmp_path / "out"
    report = MIEB([broken, good]).run(ColourOracle(), output_folder=out, **RUN)
    assert not report.ok
    msg = report.failures["BrokenZeroShot"]
    assert "BrokenZeroShot" in msg and "row 5" in msg and "unreadable image" in msg
    assert (_result_dir(out) / "ColourT2IRetrieval.json").exists()
    assert not (_result_dir(out) / "BrokenZeroShot.json").exists()
    err = json.loads((_result_dir(out) / "errors" / "BrokenZeroShot.json").read_text())
    assert "row 5" in err["error"] and err["traceback"]


def test_missing_column_names_task_split_and_column(tmp_path: Path) -> None:
    task = colour_zeroshot(tmp_path, label_column="classes")  # settings expect "label"
    report = MIEB([task]).run(ColourOracle(), output_folder=None, **RUN)
    msg = report.failures["ColourZeroShot"]
    assert "task ColourZeroShot" in msg and "split 'test'" in msg and "column 'label'" in msg


def test_nan_embeddings_name_model_and_task(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = colour_t2i(tmp_path)
    MIEB([good]).run(ColourOracle(), output_folder=out, **RUN)
    before = (_result_dir(out) / "ColourT2IRetrieval.json").read_bytes()
    report = MIEB([good]).run(ColourOracle(nan_on_text=True), output_folder=out, overwrite_strategy="always", **RUN)
    msg = report.failures["ColourT2IRetrieval"]
    assert "test/colour-oracle" in msg and "ColourT2IRetrieval" in msg and "NaN" in msg
    assert (_result_dir(out) / "ColourT2IRetrieval.json").read_bytes() == before  # earlier result intact


def test_modality_guard_fails_before_loading(tmp_path: Path) -> None:
    task = colour_zeroshot(tmp_path)
    nowhere = task.metadata.model_copy(update={"dataset": DatasetRef(path=str(tmp_path / "absent"), revision="x")})
    text_only = ColourOracle(colour_meta().model_copy(update={"modalities": ["text"]}))
    with pytest.raises(ModalityError, match="needs"):
        MIEB([Task(nowhere)]).run(text_only, output_folder=None, raise_errors=True, **RUN)


def test_only_cache_computes_nothing(tmp_path: Path) -> None:
    model = ColourOracle()
    report = MIEB([colour_zeroshot(tmp_path)]).run(model, output_folder=tmp_path / "out",
                                                  overwrite_strategy="only-cache", **RUN)
    assert report.missing == ["ColourZeroShot"] and model.image_calls == 0


def test_atomic_write_keeps_old_file_on_error(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"a": object()})
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_decode_mode_is_recorded_and_keys_the_cache(tmp_path: Path) -> None:
    from mieb.cache.keys import fingerprint_id, model_fingerprint

    task = colour_zeroshot(tmp_path)
    for mode in ("exact", "draft"):
        report = MIEB([task]).run(ColourOracle(), output_folder=tmp_path / mode, decode_mode=mode,
                                  **{**RUN, "cache": tmp_path / "cache"})
        assert report.ok and report.results[0].mieb["run"]["decode_mode"] == mode
    meta = ColourOracle().meta
    exact, draft = (fingerprint_id(model_fingerprint(meta, "fp32", "cpu", m)) for m in ("exact", "draft"))
    # The exact default leaves fingerprints as they were before decode modes existed (caches stay valid).
    assert "decode_mode" not in model_fingerprint(meta, "fp32", "cpu")
    assert {p.stem for p in (tmp_path / "cache").rglob("*.sqlite")} == {exact, draft}
    with pytest.raises(ValueError, match="decode_mode"):
        MIEB([task]).run(ColourOracle(), output_folder=tmp_path / "x", decode_mode="fast", **RUN)
