"""Task metadata validation and the registries' lookups."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import mieb
from mieb.errors import UnknownNameError
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.kinds.zeroshot import ZeroShotSettings
from mieb.tasks.metadata import DatasetRef, TaskMetadata
from mieb.tasks.task import Task


def _meta(**kw) -> TaskMetadata:
    base = dict(name="X", description="d", type="Any2AnyRetrieval", category="it2t", modalities=["image", "text"],
                dataset=DatasetRef(path="org/x", revision="abc"), eval_splits=["test"],
                eval_langs={"en": ["eng-Latn"], "de": ["deu-Latn"], "en-de": ["eng-Latn", "deu-Latn"]},
                main_score="ndcg_at_10", settings=RetrievalSettings())
    base.update(kw)
    return TaskMetadata(**base)


def test_derived_fields() -> None:
    m = _meta()
    assert m.hf_subsets == ["en", "de", "en-de"]
    assert m.query_modalities == ["image", "text"] and m.document_modalities == ["text"]
    assert m.languages == ["eng", "deu"]
    assert m.summary()["settings"]["k_values"] == [1, 3, 5, 10, 20, 100, 1000]


def test_kind_must_fit_type() -> None:
    with pytest.raises(ValidationError, match="evaluated by"):
        _meta(type="ZeroShotClassification")


@pytest.mark.parametrize("bad", [{"eval_langs": ["english"]}, {"name": "has space"}, {"modalities": []},
                                 {"category": "x2y"}, {"type": "Retrieval"}, {"eval_splits": []}])
def test_invalid_metadata_rejected(bad: dict) -> None:
    with pytest.raises(ValidationError):
        _meta(**bad)


def test_zeroshot_settings_need_one_prompt_source() -> None:
    with pytest.raises(ValidationError):
        ZeroShotSettings(template="no placeholder")
    with pytest.raises(ValidationError):
        ZeroShotSettings(template="a {name}", candidates=["a", "b"])
    assert ZeroShotSettings(candidates=["a", "b"]).candidates == ["a", "b"]


def test_language_filter_keeps_matching_subsets() -> None:
    t = Task(_meta())
    assert t.filter_languages(["deu"]).hf_subsets == ["de", "en-de"]
    assert t.filter_languages(["eng-Latn"]).hf_subsets == ["en", "en-de"]
    assert t.filter_languages(["fra"]) is None


def test_unknown_names_suggest() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'ShapesZeroShot'"):
        mieb.get_task("ShapesZeroshot")
    with pytest.raises(UnknownNameError, match="MIEB\\(offline\\)"):
        mieb.get_benchmark("MIEB(ofline)")
    with pytest.raises(UnknownNameError, match="openai/clip-vit-base-patch32"):
        mieb.get_model_meta("openai/clip-vit-base-patch23")


def test_duplicate_task_name_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from mieb.tasks import catalog

    dup = types.ModuleType("mieb.tasks.catalog.zz_dup")
    dup.TASKS = [mieb.get_task_metadata("ShapesZeroShot")]
    monkeypatch.setitem(__import__("sys").modules, "mieb.tasks.catalog.zz_dup", dup)
    real_iter = catalog.pkgutil.iter_modules

    def fake_iter(path):  # noqa: ANN001, ANN202
        yield from real_iter(path)
        yield types.SimpleNamespace(name="zz_dup")

    monkeypatch.setattr(catalog.pkgutil, "iter_modules", fake_iter)
    with pytest.raises(ValueError, match="duplicate task name 'ShapesZeroShot'"):
        catalog.load_catalog()


def test_get_tasks_filters() -> None:
    zs = mieb.get_tasks(task_types=["ZeroShotClassification"])
    assert zs and all(t.metadata.type == "ZeroShotClassification" for t in zs)
    t2i = mieb.get_tasks(categories=["t2i"])
    assert t2i and all(t.metadata.category == "t2i" for t in t2i)
    img_only = mieb.get_tasks(modalities=["image"], exclusive_modality_filter=True)
    assert all(t.metadata.modalities == ["image"] for t in img_only)
    with pytest.raises(UnknownNameError):
        mieb.get_tasks(task_types=["ZeroShot"])


def test_offline_benchmark_lists_registered_tasks() -> None:
    bench = mieb.get_benchmark("MIEB(offline)")
    assert len(bench.tasks) == len(bench.task_names) >= 5
