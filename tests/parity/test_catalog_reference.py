"""The catalog against mteb 2.26.24's own task objects: every MIEB task's dataset (path and pinned
revision), splits, subsets, languages, type, category, modalities, main score, prompt and size, and the
evaluator settings of its protocol (columns, sampling, candidate prompts, candidate lists, loaders).
"""

from __future__ import annotations

from typing import Any

import pytest

mteb = pytest.importorskip("mteb")

import mieb  # noqa: E402
from mieb.tasks.catalog import load_catalog  # noqa: E402
from mieb.tasks.catalog.offline import OFFLINE_TASK_NAMES  # noqa: E402
from mieb.tasks.metadata import TaskMetadata  # noqa: E402
from mieb.tasks.task import Task  # noqa: E402

BENCHMARKS = ["MIEB(Multilingual)", "MIEB(eng)", "MIEB(lite)", "MIEB(Img)"]
CATALOG = {n: m for n, m in load_catalog().items() if n not in set(OFFLINE_TASK_NAMES)}


def test_benchmarks_hold_the_reference_tasks_in_its_order() -> None:
    for name in BENCHMARKS:
        assert list(mieb.get_benchmark(name).task_names) == [t.metadata.name for t in mteb.get_benchmark(name).tasks]
    reference = {t.metadata.name for b in BENCHMARKS for t in mteb.get_benchmark(b).tasks}
    assert reference == set(CATALOG)


def _langs(langs: Any) -> Any:
    return list(langs) if isinstance(langs, list | tuple) else {k: list(v) for k, v in langs.items()}


def _columns(x: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (x,) if isinstance(x, str) else tuple(x)


class _Columns:
    """Records the columns a reference `dataset_transform` removes from a corpus or queries dataset."""

    def __init__(self, removed: tuple[str, ...] = ()):
        self.removed = removed

    def remove_columns(self, columns: str | list[str]) -> _Columns:
        return _Columns(self.removed + _columns(columns))


class _Names:
    """Stands in for a loaded dataset's ClassLabel feature, so that `get_candidate_labels` can run."""

    def __init__(self, column: str, names: list[str]):
        self.features = {column: type("Feature", (), {"names": names})()}


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_task_equals_the_reference(name: str) -> None:
    meta, ref = CATALOG[name], mteb.get_task(name)
    r = ref.metadata
    s = meta.settings
    assert (meta.type, meta.category, list(meta.modalities), meta.main_score) == \
        (r.type, r.category, list(r.modalities), r.main_score)
    assert list(meta.eval_splits) == list(r.eval_splits)
    assert (meta.prompt or None) == (r.prompt or None)
    if s.kind == "aggregate":
        (sub,) = r.tasks
        assert (s.subtask, s.hf_subsets) == (sub.metadata.name, list(sub.hf_subsets))
        return
    assert (meta.dataset.path, meta.dataset.revision) == (r.dataset["path"], r.dataset["revision"])
    assert _langs(meta.eval_langs) == _langs(r.eval_langs)
    assert not {"name", "split", "trust_remote_code"} & set(r.dataset)
    for split, stats in (meta.stats or {}).items():
        ref_stats = (r.descriptive_stats or {}).get(split)
        if ref_stats:
            n_queries, n_documents = ref_stats.get("num_queries"), ref_stats.get("num_documents")
            assert stats.n_samples == ref_stats["num_samples"], split
            assert (stats.n_queries, stats.n_documents) == (n_queries, n_documents) or n_queries is None, split
    _check_protocol(meta, ref)


def _check_protocol(meta: TaskMetadata, ref: Any) -> None:
    s = meta.settings
    if s.kind in ("linear_probe", "multilabel", "clustering", "zeroshot"):
        assert (s.input_column, s.label_column) == (ref.input_column_name, ref.label_column_name)
    if s.kind in ("linear_probe", "multilabel"):
        assert (s.train_split, s.samples_per_label, s.n_experiments) == \
            (ref.train_split, ref.samples_per_label, ref.n_experiments)
        assert not ref.is_cross_validation
        model = ref.evaluator_model.get_params()
        if s.kind == "linear_probe":
            assert type(ref.evaluator_model).__name__ == "LogisticRegression" and model["max_iter"] == 100
            assert s.drop_train_rows == ([3854] if "dataset_transform" in type(ref).__dict__ else [])
        else:  # the kNN the abstask runs, on the whole eval split
            assert type(ref.evaluator_model).__name__ == "KNeighborsClassifier" and model["n_neighbors"] == 5
            assert ref.max_eval_samples is None
    if s.kind == "zeroshot":
        names = ["/a/abbey", "/b/bus_station/indoor", "x_y z"]  # exercise every name transform
        ref.dataset = {split: _Names(ref.label_column_name, names) for split in ("train", "validation", "test")}
        assert Task(meta).kind.prompts(Task(meta), names) == ref.get_candidate_labels()
    if s.kind == "sts":
        assert ((s.sentence1_column, s.sentence2_column), s.min_score, s.max_score) == \
            (tuple(ref.column_names), ref.min_score, ref.max_score)
    if s.kind == "compositionality":
        assert (tuple(s.images_columns), tuple(s.texts_columns)) == \
            (_columns(ref.images_column_names), _columns(ref.texts_column_names))
    if s.kind in ("retrieval", "multiple_choice"):
        assert (tuple(s.k_values), s.skip_first_result) == (tuple(ref.k_values), ref.skip_first_result)
        assert not ref.ignore_identical_ids
        overrides = type(ref).__dict__
        assert (s.loader is not None) == ("load_data" in overrides)
        # Multiple choice = candidates rebuilt from the judgements (BLINK's dataset_transform, CV-Bench's loader).
        assert (s.kind == "multiple_choice") == (meta.type == "VisionCentricQA")
        if "dataset_transform" in overrides and s.kind == "retrieval":  # the reference's column drops
            ref.dataset = {"default": {"test": {"corpus": _Columns(), "queries": _Columns()}}}
            ref.dataset_transform()
            dropped = {side: list(ref.dataset["default"]["test"][side].removed) for side in ("corpus", "queries")}
            assert s.drop_columns == {side: cols for side, cols in dropped.items() if cols}
