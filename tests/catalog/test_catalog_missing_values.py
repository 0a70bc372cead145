"""A missing text or label (None) in any catalog task's dataset stops the load with an error naming the task,
split, column and row (issue 11, item 4), whichever protocol and custom loader reads it: the reference fails
on such a value with a bare TypeError (or its collate's "Found None in batch").

Each case is a catalog task on its real schema (`schemas.py`) with one value set to None; the loader is the
task's own, as in a real run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from datasets import Dataset
from helpers import load, write_hub_folder
from schemas import schema_for

import mieb
from mieb.errors import TaskDataError
from mieb.tasks.metadata import DatasetRef
from mieb.tasks.task import Task

SUBSET = "<the first subset>"  # the schema's split named after the task's first hf_subset (WIT, xFlickr&CO)

# (task, config, split, column set to None, row, the column the error names)
CASES = [
    ("CIFAR10", "default", "train", "label", 3, "label"),                           # linear probe
    ("CIFAR10Clustering", "default", "test", "label", 2, "label"),                  # clustering
    ("CIFAR10ZeroShot", "default", "test", "label", 1, "label"),                    # zero-shot
    ("VOC2007", "default", "test", "classes", 4, "classes"),                        # multilabel
    ("TUBerlinT2IRetrieval", "queries", "test", "text", 1, "text"),                 # standard layout, queries
    ("GLDv2I2TRetrieval", "corpus", "test", "text", 2, "text"),                     # standard layout, documents
    ("BLINKIT2TMultiChoice", "queries", "test", "text", 0, "text"),                 # multiple choice, questions
    ("BLINKIT2TMultiChoice", "corpus", "test", "text", 3, "text"),                  # multiple choice, answers
    ("CVBenchCount", "default", "test", "question", 0, "text"),                     # CV-Bench loader
    ("VidoreArxivQARetrieval", "queries", "test", "query", 2, "text"),              # ViDoRe loader
    ("HatefulMemesT2IRetrieval", "default", "test", "text", 0, "text"),             # Hateful Memes loader
    ("SciMMIRT2IRetrieval", "default", "test", "text", 1, "text"),                  # SciMMIR loader
    ("XFlickr30kCoT2IRetrieval", "default", SUBSET, "sentences", 1, "text"),        # xFlickr&CO loader
    ("AROCocoOrder", "default", "test", "<second text column>", 2, "<second text column>"),  # compositionality
    ("SugarCrepe", "default", "train", "negative_caption", 1, "negative_caption"),  # SugarCrepe loader
    ("Winoground", "default", "test", "caption_1", 3, "caption_1"),
    ("ImageCoDe", "query", "test", "text", 1, "text"),                              # ImageCoDe loader
]


def without_value(ds: Dataset, column: str, row: int) -> Dataset:
    values = list(ds[column])
    assert values[row] is not None
    values[row] = None
    return Dataset.from_dict({**ds.to_dict(), column: values}, features=ds.features)


@pytest.mark.parametrize(("name", "config", "split", "column", "row", "named"), CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_a_missing_value_names_task_split_column_and_row(name: str, config: str, split: str, column: str, row: int,
                                                         named: str, tmp_path: Path) -> None:
    meta = mieb.get_task_metadata(name)
    if column.startswith("<"):  # compositionality: the task's own text columns
        column = named = meta.settings.texts_columns[1]
    subset = meta.hf_subsets[0]
    configs = schema_for(meta)[1]()
    split = subset if split == SUBSET else split
    configs[config][split] = without_value(configs[config][split], column, row)
    folder = write_hub_folder(tmp_path / "data", configs)
    task = Task(meta.model_copy(update={"dataset": DatasetRef(path=str(folder), revision=meta.dataset.revision)}),
                [subset])
    with pytest.raises(TaskDataError) as e:
        load(task, meta.eval_splits[0], subset)
    message = str(e.value)
    assert f"task {name}" in message and f"column '{named}'" in message and "row " in message, message
