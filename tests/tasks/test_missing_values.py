"""A missing text or label (None) stops a task with an error naming task, split, column and row, never a
bare TypeError or a silent score (issue 11, item 4). Where the reference has a defined treatment, the
parity tests (tests/parity/test_retrieval_ids.py) compare with it; here are the errors, without mteb.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from datasets import ClassLabel, Dataset, Features, Image, Value
from fake_models import ColourOracle
from helpers import solid_image, write_hub_folder
from local_tasks import COLOURS, _meta

from mieb.errors import TaskDataError
from mieb.runner.run import MIEB
from mieb.tasks.kinds.compositionality import CompositionalitySettings
from mieb.tasks.kinds.linear_probe import LinearProbeSettings
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.kinds.zeroshot import ZeroShotSettings
from mieb.tasks.task import Task

NAMES = list(COLOURS)
RUN = dict(encode_kwargs={"batch_size": 4, "num_workers": 0}, progress=False, raise_errors=True, cache=False,
           output_folder=None)


def image(colour: str, seed: int = 0) -> dict[str, Any]:
    return {"bytes": solid_image(COLOURS[colour], size=(8, 8), noise=5, seed=seed), "path": None}


def run_error(task: Task) -> str:
    with pytest.raises(TaskDataError) as e:
        MIEB([task]).run(ColourOracle(), **RUN)
    assert f"task {task.name}" in str(e.value)
    return str(e.value)


def text_documents(tmp_path: Path, texts: list[str | None], titles: list[str | None] | None,
                   instructions: dict[str, str | None] | None = None) -> Task:
    """i2t retrieval: one image query, text documents (optionally titled), queries optionally instructed."""
    side = Features({"id": Value("string"), "text": Value("string"), "image": Image()})
    corpus: dict[str, list[Any]] = {"id": [f"d{k}" for k in range(len(texts))], "text": texts,
                                    "image": [None] * len(texts)}
    if titles is not None:
        corpus["title"] = titles
        side_c = Features({**side, "title": Value("string")})
    else:
        side_c = side
    queries = Dataset.from_dict({"id": ["q0", "q1"], "text": [None, None], "image": [image("red"), image("blue")]},
                                features=side)
    configs = {"corpus": {"test": Dataset.from_dict(corpus, features=side_c)}, "queries": {"test": queries},
               "qrels": {"test": Dataset.from_dict({"query-id": ["q0", "q1"], "corpus-id": ["d0", "d0"],
                                                    "score": [1, 1]})}}
    category = "i2t"
    if instructions is not None:  # then the queries read text: an it2t task
        configs["queries"]["test"] = Dataset.from_dict(
            {"id": ["q0", "q1"], "text": ["red?", "blue?"], "image": [image("red"), image("blue")]}, features=side)
        configs["instruction"] = {"test": Dataset.from_dict({"query-id": list(instructions),
                                                            "instruction": list(instructions.values())})}
        category = "it2t"
    folder = write_hub_folder(tmp_path / "docs", configs)
    return Task(_meta("TextDocs", folder, type="Any2AnyRetrieval", category=category, modalities=["text", "image"],
                      main_score="ndcg_at_10", settings=RetrievalSettings()))


def test_documents_with_titles_score(tmp_path: Path) -> None:
    (result,) = MIEB([text_documents(tmp_path, ["red", " blue "], ["A red", ""])]).run(ColourOracle(), **RUN)
    assert result.scores["test"][0]["ndcg_at_10"] > 0


@pytest.mark.parametrize(("texts", "titles", "column"), [
    (["red", None], ["Title", "Title"], "text"),  # the case: a title and no text (a bare TypeError)
    (["red", "blue"], ["Title", None], "title"),
    (["red", None], None, "text"),
])
def test_a_missing_document_text_names_task_split_column_and_row(
        tmp_path: Path, texts: list[str | None], titles: list[str | None] | None, column: str) -> None:
    message = run_error(text_documents(tmp_path, texts, titles))
    assert f"split 'test', column '{column}', row 1" in message and "(id 'd1')" in message


def test_a_missing_instruction_names_its_row(tmp_path: Path) -> None:
    message = run_error(text_documents(tmp_path, ["red", "blue"], None, instructions={"q0": "now", "q1": None}))
    assert "column 'instruction', row 1" in message and "(id 'q1')" in message


def test_a_query_without_an_instruction_row_is_named(tmp_path: Path) -> None:
    message = run_error(text_documents(tmp_path, ["red", "blue"], None, instructions={"q0": "now"}))
    assert "query 'q1' has no row in config instruction" in message


def test_a_missing_caption_names_its_row_and_column(tmp_path: Path) -> None:
    """Texts are embedded row by row, column by column: the error names the dataset's row, not a position."""
    texts = ["correct", "wrong_1", "wrong_2"]
    rows = {"images": [image(c, k) for k, c in enumerate(NAMES)], "correct": [f"a {c} scene" for c in NAMES],
            "wrong_1": ["a red scene"] * 4, "wrong_2": ["a blue scene", None, "a red scene", "a red scene"]}
    folder = write_hub_folder(tmp_path / "aro", {"default": {"test": Dataset.from_dict(
        rows, features=Features({"images": Image(), **{t: Value("string") for t in texts}}))}})
    task = Task(_meta("Captions", folder, type="Compositionality", category="i2t", modalities=["text", "image"],
                      main_score="text_acc",
                      settings=CompositionalitySettings(images_columns=["images"], texts_columns=texts)))
    assert "split 'test', column 'wrong_2', row 1" in run_error(task)


def labelled(tmp_path: Path, labels: list[Any], *, feature: Any) -> Path:
    ds = Dataset.from_dict({"image": [image(NAMES[k % 4], k) for k in range(len(labels))], "label": labels},
                           features=Features({"image": Image(), "label": feature}))
    return write_hub_folder(tmp_path / "labelled", {"default": {"train": ds, "test": ds}})


def test_a_missing_zero_shot_label_names_its_row(tmp_path: Path) -> None:
    folder = labelled(tmp_path, ["red", "green", None, "red"], feature=Value("string"))
    task = Task(_meta("ZeroShotNone", folder, type="ZeroShotClassification", category="i2t",
                      modalities=["image", "text"], main_score="accuracy",
                      settings=ZeroShotSettings(candidates=["red", "green", "blue", "yellow"])))
    assert "column 'label', row 2: label is missing" in run_error(task)


def test_a_missing_class_label_names_its_row(tmp_path: Path) -> None:
    folder = labelled(tmp_path, [0, 1, 2, 3, None, 1, 2, 3], feature=ClassLabel(names=NAMES))
    task = Task(_meta("ProbeNone", folder, type="ImageClassification", category="i2c", modalities=["image"],
                      main_score="accuracy", settings=LinearProbeSettings(samples_per_label=1, n_experiments=1)))
    assert "split 'train', column 'label', row 4" in run_error(task)
