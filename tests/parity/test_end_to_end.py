"""Every MIEB task type, end to end, on identical inputs: the reference and mieb agree on every metric.

Each case is a real catalog task whose dataset is replaced by a small local folder in that dataset's own
layout (tests/catalog/schemas.py); the reference runs its own task class of the same name on the same folder.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("mteb")

import mieb  # noqa: E402

# At least one task of each type, and of each evaluation protocol and custom loader within a type.
TASKS = [
    "CIFAR10", "Birdsnap", "VOC2007",                                    # ImageClassification (probe, multilabel)
    "CIFAR10Clustering",                                                 # ImageClustering
    "CIFAR10ZeroShot", "PatchCamelyonZeroShot", "RenderedSST2", "SUN397ZeroShot",  # ZeroShotClassification
    "Flickr30kT2IRetrieval", "MSCOCOI2TRetrieval", "NIGHTSI2IRetrieval", "InfoSeekIT2ITRetrieval",
    "OVENIT2TRetrieval", "WebQAT2ITRetrieval", "HatefulMemesT2IRetrieval", "MemotionI2TRetrieval",
    "SciMMIRT2IRetrieval", "ROxfordEasyI2IRetrieval",                    # Any2AnyRetrieval
    "WITT2IRetrieval", "XFlickr30kCoT2IRetrieval", "XM3600T2IRetrieval",  # Any2AnyMultilingualRetrieval
    "VidoreArxivQARetrieval",                                            # DocumentUnderstanding
    "BLINKIT2IMultiChoice", "BLINKIT2TMultiChoice", "CVBenchCount",      # VisionCentricQA
    "STS12VisualSTS", "STS17MultilingualVisualSTS",                      # VisualSTS(eng), VisualSTS(multi)
    "AROCocoOrder", "AROVisualRelation", "SugarCrepe", "Winoground", "ImageCoDe",  # Compositionality
]


# Multilingual tasks run on a few of their subsets (the reference evaluates each subset on its own).
SUBSETS = {"WITT2IRetrieval": ["ar", "en"], "XFlickr30kCoT2IRetrieval": ["de", "en"],
           "XM3600T2IRetrieval": ["ar", "zh"], "STS17MultilingualVisualSTS": ["en-de", "ko-ko"]}


AGGREGATES = ["VisualSTS17Eng", "VisualSTS-b-Multilingual"]  # VisualSTS(eng) and (multi) averages


def test_every_task_type_and_kind_is_covered() -> None:
    tasks = [mieb.get_task(n) for n in TASKS + AGGREGATES]
    catalog = mieb.get_tasks()
    assert {t.metadata.type for t in tasks} == {t.metadata.type for t in catalog}
    assert {t.metadata.settings.kind for t in tasks} == {t.metadata.settings.kind for t in catalog}


@pytest.mark.parametrize("name", TASKS)
def test_catalog_task_matches_the_reference(name: str, harness: Any, schemas: Any) -> None:
    from e2e import compare

    meta = mieb.get_task(name).metadata
    compare(harness.reference, harness.model_dir, meta, schemas.folder(meta), subsets=SUBSETS.get(name))


@pytest.mark.parametrize("name", AGGREGATES)
def test_aggregate_task_matches_the_reference(name: str, harness: Any, schemas: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An aggregate averages its subtask's main score over its subsets; both read the subtask's local folder
    (mieb finds its subtask through the registry, pointed here at the local copy)."""
    from e2e import compare, local_task

    import mieb.tasks.registry as registry

    meta = mieb.get_task(name).metadata
    sub = mieb.get_task(meta.settings.subtask).metadata
    folder = schemas.folder(sub)
    real_get_task = registry.get_task

    def get_task(task_name: str, *args: Any, **kwargs: Any) -> Any:
        if task_name != sub.name:
            return real_get_task(task_name, *args, **kwargs)
        return mieb.tasks.task.Task(local_task(sub, folder).metadata, kwargs.get("hf_subsets"))

    monkeypatch.setattr(registry, "get_task", get_task)
    compare(harness.reference, harness.model_dir, meta, folder)
