"""Every evaluation protocol end to end on small local datasets whose right answer is known.

The `ColourOracle` test model embeds an image as its mean colour and a text as the colour it names,
so a correctly wired protocol scores perfectly and a label mix-up shows at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fake_models import ColourOracle
from local_tasks import (
    colour_compositionality,
    colour_documents,
    colour_multiple_choice,
    colour_probe,
    colour_sts,
)

import mieb
from mieb.runner.run import MIEB

RUN = dict(encode_kwargs={"batch_size": 5, "num_workers": 0}, progress=False, raise_errors=True, cache=False)


def _scores(task, tmp_path: Path, model=None) -> dict:
    report = MIEB([task]).run(model or ColourOracle(), output_folder=tmp_path / "out", **RUN)
    (result,) = report.results
    (entry,) = result.scores["test"]
    return entry


def test_linear_probe(tmp_path: Path) -> None:
    s = _scores(colour_probe(tmp_path), tmp_path)
    assert s["accuracy"] == 1.0 and s["main_score"] == 1.0
    assert len(s["scores_per_experiment"]) == 3
    assert np.isnan(s["ap"])  # not a binary task: NaN, as the reference writes it


def test_linear_probe_class_smaller_than_samples_per_label(tmp_path: Path) -> None:
    """Asking 8 per label from 5 per class takes all 5: still fits and scores."""
    s = _scores(colour_probe(tmp_path, samples_per_label=8), tmp_path)
    assert s["accuracy"] == 1.0


def test_multilabel(tmp_path: Path) -> None:
    s = _scores(colour_probe(tmp_path, kind="multilabel"), tmp_path)
    assert s["lrap"] == 1.0 and s["accuracy"] == 1.0 and s["f1"] == 1.0 and s["hamming"] == 1.0


def test_clustering(tmp_path: Path) -> None:
    s = _scores(colour_probe(tmp_path, kind="clustering"), tmp_path)
    assert s["nmi"] == pytest.approx(1.0) and s["cluster_accuracy"] == 1.0
    assert s["v_measure"] == pytest.approx(1.0) and s["ari"] == pytest.approx(1.0)


def test_compositionality_one_image(tmp_path: Path) -> None:
    s = _scores(colour_compositionality(tmp_path), tmp_path)
    assert s["text_acc"] == 1.0
    assert s["image_acc"] == 0.0 and s["accuracy"] == 0.0  # one image per row: 0 by construction (quirk 9)


def test_compositionality_two_by_two(tmp_path: Path) -> None:
    s = _scores(colour_compositionality(tmp_path, two_by_two=True), tmp_path)
    assert s["text_acc"] == s["image_acc"] == s["accuracy"] == 1.0


def test_sts(tmp_path: Path) -> None:
    """Against an independent computation: mean colours decoded with PIL, scipy correlations."""
    import io

    from PIL import Image
    from scipy.stats import pearsonr, spearmanr

    from mieb.data.loading import load_split

    task = colour_sts(tmp_path)
    s = _scores(task, tmp_path)
    ds = load_split(task.metadata, "test")
    emb = [np.stack([np.asarray(Image.open(io.BytesIO(row[c]["bytes"])).convert("RGB"), dtype=np.float64)
                     .mean(axis=(0, 1)) / 255.0 + 1e-3 for row in ds.cast_column(c, ds.features[c].__class__(decode=False))])
           for c in ("sentence1", "sentence2")]
    cos = (emb[0] * emb[1]).sum(1) / np.linalg.norm(emb[0], axis=1) / np.linalg.norm(emb[1], axis=1)
    gold = np.asarray(ds["score"]) / 5.0
    assert s["cosine_spearman"] == pytest.approx(spearmanr(gold, cos)[0], abs=1e-5)
    assert s["cosine_pearson"] == pytest.approx(pearsonr(gold, cos)[0], abs=1e-5)
    assert s["cosine_spearman"] > 0.7 and s["main_score"] == s["cosine_spearman"]
    assert s["spearman"] == pytest.approx(s["cosine_spearman"])  # the oracle's similarity is cosine
    assert {"manhattan_spearman", "euclidean_pearson", "pearson"} <= set(s)


def test_multiple_choice(tmp_path: Path) -> None:
    s = _scores(colour_multiple_choice(tmp_path), tmp_path)
    assert s["accuracy"] == 1.0 and s["main_score"] == 1.0 and s["recall_at_1"] == 1.0


def test_multiple_choice_takes_its_candidates_from_the_judgements(tmp_path: Path) -> None:
    """A shipped top_ranked config (here with an empty list for q1) is not what multiple choice ranks."""
    s = _scores(colour_multiple_choice(tmp_path, empty_candidates=True), tmp_path)
    assert s["accuracy"] == 1.0


def test_reranking_empty_candidates_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(mieb.errors.TaskDataError, match="query 'q1' has no candidates"):
        _scores(colour_multiple_choice(tmp_path, empty_candidates=True, reranking=True), tmp_path)


def test_document_retrieval_vidore_layout(tmp_path: Path) -> None:
    s = _scores(colour_documents(tmp_path), tmp_path)
    assert s["ndcg_at_5"] == 1.0


def test_aggregate_averages_exactly_its_subsets(tmp_path: Path) -> None:
    """The aggregate saves its subtask under the subtask's name and averages only its own subsets."""
    out = tmp_path / "out"
    MIEB(["RenderedShapesSTSDe"]).run(ColourOracle(), output_folder=out, **RUN)
    folder = out / "test__colour-oracle" / "1"
    sub = json.loads((folder / "RenderedShapesSTSMultilingual.json").read_text())
    agg = json.loads((folder / "RenderedShapesSTSDe.json").read_text())
    assert [e["hf_subset"] for e in sub["scores"]["test"]] == ["de"]
    assert agg["scores"]["test"][0]["hf_subset"] == "default"
    assert agg["scores"]["test"][0]["main_score"] == pytest.approx(sub["scores"]["test"][0]["main_score"], abs=1e-6)
    # the full subtask then only computes what is missing
    MIEB(["RenderedShapesSTSMultilingual"]).run(ColourOracle(), output_folder=out, **RUN)
    sub = json.loads((folder / "RenderedShapesSTSMultilingual.json").read_text())
    assert sorted(e["hf_subset"] for e in sub["scores"]["test"]) == ["de", "en"]


class _MultiVectorOracle(ColourOracle):
    """The ColourOracle's vectors, L2-normalised (MaxSim is a dot product), as one-token sets under a MaxSim
    card: a ColPali-shaped model with the same right answers."""

    def __init__(self) -> None:
        from fake_models import colour_meta

        super().__init__(colour_meta("test/colour-multivector", fusion="concat").model_copy(
            update={"similarity": "max_sim"}))

    def encode_images(self, images, ctx):  # noqa: ANN001, ANN201
        from mieb.models.encoder import MultiVector

        return MultiVector.from_list([v[None] / v.norm() for v in super().encode_images(images, ctx)])

    def encode_texts(self, texts, ctx):  # noqa: ANN001, ANN201
        from mieb.models.encoder import MultiVector

        return MultiVector.from_list([v[None] / v.norm() for v in super().encode_texts(texts, ctx)])


def test_multi_vector_model_refused_by_single_vector_protocols(tmp_path: Path) -> None:
    with pytest.raises(mieb.errors.ModelOutputError, match="needs one vector per input"):
        _scores(colour_probe(tmp_path), tmp_path, model=_MultiVectorOracle())


def test_multi_vector_model_scores_retrieval_and_model_similarity_zeroshot(tmp_path: Path) -> None:
    from local_tasks import colour_t2i, colour_zeroshot

    assert _scores(colour_t2i(tmp_path), tmp_path, model=_MultiVectorOracle())["ndcg_at_10"] == 1.0
    zs = colour_zeroshot(tmp_path)
    zs = type(zs)(zs.metadata.model_copy(update={"modalities": ["text", "image"]}))  # the model-similarity path
    assert _scores(zs, tmp_path, model=_MultiVectorOracle())["accuracy"] == 1.0
