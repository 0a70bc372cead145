"""Aggregation as the reference leaderboard does it, on the published scores and on small synthetic tables.

The expected published values were computed by hand from published_results/mieb_scores.csv (a plain
script over the CSV rows: per-task means over the benchmark's (split, subset) pairs, per-type means,
their mean, ranks) and agree with the reference's own table code (scripts/parity_mteb_leaderboard.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lb_helpers import row_of

from mieb.leaderboard.aggregation import (
    CATEGORY_OF_TYPE,
    TaskSpec,
    average_rank_desc,
    benchmark_tasks,
    compute_leaderboard,
    min_rank_desc,
)
from mieb.leaderboard.scores import ScoreRow
from mieb.tasks.metadata import TASK_TYPES

CLIP, SIGLIP, BLIP = "openai/clip-vit-base-patch32", "google/siglip-base-patch16-224", "Salesforce/blip-image-captioning-base"


def _types(view, name: str) -> dict[str, float]:
    i = row_of(view, name)
    return dict(zip(view.lb.type_names, view.lb.type_means[i], strict=True))


# -- published scores: MIEB(lite) ---------------------------------------------------------------------

def test_lite_shape(lite):
    assert len(lite.lb.tasks) == 51 and lite.lb.n_benchmark_tasks == 51
    assert len(lite.lb.type_names) == 10
    assert len(lite.lb.models) == 99  # every model with at least one MIEB(lite) score


@pytest.mark.parametrize(("model", "rank", "borda", "mean", "types"), [
    (CLIP, 43, 47, 0.38646529387985384, {
        "ImageClassification": 0.6531421344, "ImageClustering": 0.5722773119, "ZeroShotClassification": 0.5268809256,
        "VisionCentricQA": 0.4330857131, "Compositionality": 0.3972247555, "VisualSTS(eng)": 0.5603360275,
        "Any2AnyRetrieval": 0.2147463636, "DocumentUnderstanding": 0.1243933333,
        "Any2AnyMultilingualRetrieval": 0.1645923737, "VisualSTS(multi)": 0.217974}),
    (SIGLIP, 27, 25, 0.4738578014186886, {
        "ImageClassification": 0.7347198893, "ImageClustering": 0.6837995098, "ZeroShotClassification": 0.6499430768,
        "VisionCentricQA": 0.5299735153, "Compositionality": 0.3251657277, "VisualSTS(eng)": 0.6423456741,
        "Any2AnyRetrieval": 0.2928090909, "DocumentUnderstanding": 0.2087383333,
        "Any2AnyMultilingualRetrieval": 0.335724697, "VisualSTS(multi)": 0.3353585}),
    ("LCO-Embedding/LCO-Embedding-Omni-7B", 1, 1, 0.6876029618506493, {
        "ImageClassification": 0.725407875, "Any2AnyRetrieval": 0.37618, "VisualSTS(multi)": 0.8239765}),
])
def test_lite_hand_checked(lite, model, rank, borda, mean, types):
    i = row_of(lite, model)
    assert lite.lb.rank[i] == rank
    assert lite.lb.borda_rank[i] == borda
    assert lite.lb.mean_task_type[i] == pytest.approx(mean, abs=1e-12)
    got = _types(lite, model)
    for t, v in types.items():
        assert got[t] == pytest.approx(v, abs=1e-9), t


def test_lite_borda_points_and_ties(lite):
    points = {lite.labels[k]: p for k, p in zip(lite.lb.models, lite.lb.borda_points, strict=True)}
    assert points[CLIP] == 2912.0 and points[SIGLIP] == 3503.5
    # Two real ties: equal points share the better (min) rank, and the next rank is skipped.
    a, b = row_of(lite, "ApsaraStackMaaS/EvoQwen2.5-VL-Retriever-7B-v1"), row_of(lite, "VAGOsolutions/SauerkrautLM-ColQwen3-4b-v0.1")
    assert lite.lb.borda_points[a] == lite.lb.borda_points[b] == 488.0
    assert lite.lb.borda_rank[a] == lite.lb.borda_rank[b] == 72
    assert 73 not in set(lite.lb.borda_rank)


def test_rank_is_by_mean_task_type_nulls_last(lite, multilingual):
    for view in (lite, multilingual):
        means = view.lb.mean_task_type
        known = means[~np.isnan(means)]
        assert np.all(np.diff(known) <= 0)
        assert not np.isnan(means[: len(known)]).any()  # every null after every number
        assert list(view.lb.rank) == list(range(1, len(means) + 1))


# -- published scores: MIEB(Multilingual) -------------------------------------------------------------

def test_multilingual_hand_checked(multilingual):
    lb = multilingual.lb
    assert len(lb.tasks) == 130 and len(lb.models) == 103
    i = row_of(multilingual, CLIP)
    assert (lb.rank[i], lb.borda_rank[i], lb.borda_points[i]) == (37, 39, 8505.0)
    assert lb.mean_task_type[i] == pytest.approx(0.4142966329395482, abs=1e-12)
    types = _types(multilingual, CLIP)
    assert types["Any2AnyRetrieval"] == pytest.approx(0.2748846667, abs=1e-9)
    assert types["Any2AnyMultilingualRetrieval"] == pytest.approx(0.1672503325, abs=1e-9)
    j = row_of(multilingual, SIGLIP)
    assert (lb.rank[j], lb.borda_rank[j]) == (18, 18)
    assert lb.mean_task_type[j] == pytest.approx(0.5088044238255216, abs=1e-12)
    top = row_of(multilingual, "jinaai/jina-embeddings-v5-omni-small")
    assert (lb.rank[top], lb.borda_rank[top]) == (1, 10)
    assert lb.mean_task_type[top] == pytest.approx(0.6506953887644248, abs=1e-12)


def test_multilingual_task_averages_its_language_subsets(multilingual):
    lb = multilingual.lb
    j = [t.name for t in lb.tasks].index("XM3600T2IRetrieval")
    assert lb.task_scores[row_of(multilingual, CLIP), j] == pytest.approx(0.07602111111111111, abs=1e-12)


def test_model_missing_tasks_gets_null_type_mean(multilingual):
    """BLIP lacks the six ROxford/RParis tasks: its Any2AnyRetrieval mean and Mean (TaskType) are null."""
    lb = multilingual.lb
    i = row_of(multilingual, BLIP)
    types = _types(multilingual, BLIP)
    assert math.isnan(types["Any2AnyRetrieval"])
    assert types["ImageClassification"] == pytest.approx(0.5824842921, abs=1e-9)
    assert math.isnan(lb.mean_task_type[i])
    assert lb.rank[i] > int(np.sum(~np.isnan(lb.mean_task_type)))  # after every model with a complete mean
    assert lb.borda_rank[i] == 42 and lb.borda_points[i] == 7029.0  # Borda still counts the tasks it has


def test_task_types_come_from_the_registry():
    for bench, n_types in (("MIEB(Multilingual)", 10), ("MIEB(eng)", 8), ("MIEB(lite)", 10), ("MIEB(Img)", 5)):
        types = {t.type for t in benchmark_tasks(bench)}
        assert len(types) == n_types and types <= set(TASK_TYPES)
    assert set(CATEGORY_OF_TYPE) == set(TASK_TYPES)
    assert len(set(CATEGORY_OF_TYPE.values())) == 8


def test_categories_view(lite):
    lb = lite.lb
    assert len(lb.category_names) == 8
    i = row_of(lite, CLIP)
    cats = dict(zip(lb.category_names, lb.category_means[i], strict=True))
    names = [t.name for t in lb.tasks]
    sts = [lb.task_scores[i, j] for j, t in enumerate(lb.tasks) if t.type in ("VisualSTS(eng)", "VisualSTS(multi)")]
    assert cats["Visual STS"] == pytest.approx(np.mean(sts))  # a mean over the folded types' tasks
    assert cats["Linear Probing"] == pytest.approx(_types(lite, CLIP)["ImageClassification"])
    assert len(names) == 51


# -- synthetic tables: the rules one by one -----------------------------------------------------------

T = [TaskSpec("A1", "TypeA", ("test",), ("default",)), TaskSpec("A2", "TypeA", ("test",), ("default",)),
     TaskSpec("B1", "TypeB", ("test",), ("en", "de"))]


def _rows(table: dict[str, dict[str, float | dict[str, float]]]) -> list[ScoreRow]:
    rows = []
    for model, tasks in table.items():
        for task, v in tasks.items():
            for subset, score in (v.items() if isinstance(v, dict) else [("default", v)]):
                rows.append(ScoreRow(model, task, "test", subset, score))
    return rows


def test_missing_subset_nulls_the_task_and_the_type():
    lb = compute_leaderboard(_rows({
        "m1": {"A1": 0.5, "A2": 0.7, "B1": {"en": 0.2, "de": 0.4}},
        "m2": {"A1": 0.6, "A2": 0.6, "B1": {"en": 0.9}},  # lacks the "de" subset
    }), T)
    i1, i2 = lb.models.index("m1"), lb.models.index("m2")
    assert lb.task_scores[i1].tolist() == pytest.approx([0.5, 0.7, 0.3])
    assert math.isnan(lb.task_scores[i2, 2]) and math.isnan(lb.type_means[i2, 1])
    assert lb.type_means[i2, 0] == pytest.approx(0.6)
    assert lb.mean_task_type[i1] == pytest.approx((0.6 + 0.3) / 2)
    assert math.isnan(lb.mean_task_type[i2]) and lb.rank.tolist() == [1, 2] and lb.models == ["m1", "m2"]
    # Borda ranks m2 on B1 by the mean of what it has (0.9 beats 0.3), as the reference does: with two
    # models the winner of a task earns 2 - 1 = 1 point. m1 wins A2; m2 wins A1 and B1.
    assert lb.borda_points.tolist() == [1.0, 2.0] and lb.borda_rank.tolist() == [2, 1]


def test_rows_outside_the_benchmark_are_ignored():
    rows = _rows({"m1": {"A1": 0.5, "A2": 0.5, "B1": {"en": 0.5, "de": 0.5, "fr": 0.0}, "Other": 0.0}})
    rows.append(ScoreRow("m1", "A1", "validation", "default", 0.0))
    lb = compute_leaderboard(rows, T)
    assert lb.task_scores[0].tolist() == pytest.approx([0.5, 0.5, 0.5])


def test_task_nobody_ran_is_not_a_column():
    lb = compute_leaderboard(_rows({"m1": {"A1": 0.4, "A2": 0.6}, "m2": {"A1": 0.2, "A2": 0.2}}), T)
    assert [t.name for t in lb.tasks] == ["A1", "A2"] and lb.type_names == ["TypeA"]
    assert lb.mean_task_type.tolist() == pytest.approx([0.5, 0.2])


def test_borda_ties_and_missing_tasks():
    lb = compute_leaderboard(_rows({
        "m1": {"A1": 0.9, "A2": 0.5, "B1": {"en": 0.5, "de": 0.5}},
        "m2": {"A1": 0.9, "A2": 0.4, "B1": {"en": 0.6, "de": 0.6}},
        "m3": {"A1": 0.1, "A2": 0.6},  # no B1: it earns 0 there
    }), T)
    pts = dict(zip(lb.models, lb.borda_points, strict=True))
    # A1: m1, m2 tie at rank 1.5 -> 1.5 points each, m3 rank 3 -> 0. A2: m3 2, m1 1, m2 0. B1: m2 2, m1 1.
    assert pts == {"m1": 3.5, "m2": 3.5, "m3": 2.0}
    rank = dict(zip(lb.models, lb.borda_rank, strict=True))
    assert rank == {"m1": 1, "m2": 1, "m3": 3}
    # m3 is missing one task: its TypeB mean and Mean (TaskType) are null, its TypeA mean is not.
    i3 = lb.models.index("m3")
    assert math.isnan(lb.type_means[i3, 1]) and math.isnan(lb.mean_task_type[i3])
    assert lb.type_means[i3, 0] == pytest.approx(0.35) and lb.rank[i3] == 3


def test_rank_helpers():
    assert average_rank_desc(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [1.5, 4.0, 1.5, 3.0]
    assert min_rank_desc(np.array([5.0, 5.0, 1.0])).tolist() == [1, 1, 3]
