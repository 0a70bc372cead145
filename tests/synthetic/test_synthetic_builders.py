"""The offline datasets: schemas as the real tasks', deterministic output, sane contents."""

from __future__ import annotations

import hashlib
from pathlib import Path

import datasets
import numpy as np
import pytest

from mieb.data.synthetic import BUILDERS, MARKER
from mieb.data.synthetic import world as W

datasets.disable_progress_bars()

RETRIEVAL = {"id": "string", "modality": "string", "text": "string", "image": "Image"}
QRELS = {"query-id": "string", "corpus-id": "string", "score": "int32"}
LABELLED = {"image": "Image", "label": "ClassLabel"}


def _retrieval(prefix: str = "") -> dict:
    return {f"{prefix}corpus": {"test": RETRIEVAL}, f"{prefix}queries": {"test": RETRIEVAL},
            f"{prefix}qrels": {"test": QRELS}}


# config -> split -> column -> feature type
SCHEMAS: dict[str, dict[str, dict[str, dict[str, str]]]] = {
    "ShapesZeroShot": {"default": {"test": LABELLED}},
    "ShapesClassification": {"default": {"train": LABELLED, "test": LABELLED}},
    "ShapesMultilabel": {"default": {"train": {"image": "Image", "classes": "List[ClassLabel]"},
                                     "test": {"image": "Image", "classes": "List[ClassLabel]"}}},
    "ShapesClustering": {"default": {"test": LABELLED}},
    "ShapesT2IRetrieval": _retrieval(),
    "ShapesI2TRetrieval": _retrieval(),
    "ShapesI2IRetrieval": _retrieval(),
    "ShapesIT2TRetrieval": _retrieval(),
    "ShapesCompositionality": {"default": {"test": {
        "images": "Image", "correct_caption": "string", "hard_text_1": "string", "hard_text_2": "string",
        "hard_text_3": "string", "hard_text_4": "string"}}},
    "RenderedShapesSTS": {"default": {"test": {"sentence1": "Image", "sentence2": "Image", "score": "float64"}}},
    "RenderedShapesSTSMulti": {
        lang: {"test": {"sentence1": "Image", "sentence2": "Image", "score": "float64"}} for lang in ("en", "de")
    },
    "ShapesMultipleChoice": _retrieval(),
    "ShapesDocumentRetrieval": {
        "queries": {"test": {"query-id": "int64", "query": "string"}},
        "corpus": {"test": {"corpus-id": "int64", "image": "Image"}},
        "qrels": {"test": {"query-id": "int64", "corpus-id": "int64", "score": "int64"}},
    },
    "ShapesMultilingualT2IRetrieval": {**_retrieval("en-"), **_retrieval("de-")},
}

# sha256 of the decoded pixels of a few items: the same on every machine and Pillow version (the
# pixels are drawn with numpy only; PNG is lossless). (dataset, config, split, column, row) -> digest.
# Update these together with the builder's version when a builder's output changes on purpose.
EXPECTED_PIXELS = {
    ("ShapesZeroShot", "default", "test", "image", 0):
        "7dc3931219e94ebb295f0643e7a23093dd6ebdd4103094cb3632432eaaa96fd5",
    ("ShapesDocumentRetrieval", "corpus", "test", "image", 0):
        "dd83d37a70294fa62972d1419a3781549f510cadbd04711d473e0b4937cb6135",
    ("RenderedShapesSTS", "default", "test", "sentence1", 0):
        "2913e77201dca40374d28ec041176727eb20c49060d2c893f984f13d3d2adf41",
    ("ShapesCompositionality", "default", "test", "images", 0):
        "98f24d81888c3bf03269e62ea5ae98b86a1db8def33a1b7e238602bf521506b4",
    ("ShapesMultilingualT2IRetrieval", "de-corpus", "test", "image", 3):
        "7818663da4b951d5e469d9e3b7e92e7ace5a20fe6c8a7f19bf6ec877f14d97c1",
}


def _ftype(feat) -> str:
    name = type(feat).__name__
    if name == "Value":
        return feat.dtype
    if name in ("List", "Sequence", "LargeList"):
        return f"List[{_ftype(feat.feature)}]"
    return name


def _load(path: Path, config: str, split: str):
    return datasets.load_dataset(str(path), name=config, split=split)


def test_every_offline_task_has_a_builder():
    assert set(BUILDERS) == set(SCHEMAS)
    seeds = [b.seed for b in BUILDERS.values()]
    assert len(set(seeds)) == len(seeds)
    for key, b in BUILDERS.items():
        assert b.key == key and isinstance(b.version, str) and b.version


@pytest.mark.parametrize("key", sorted(SCHEMAS))
def test_schema(built, key):
    path = built[key]
    assert datasets.get_dataset_config_names(str(path)) == list(SCHEMAS[key])
    for config, splits in SCHEMAS[key].items():
        assert datasets.get_dataset_split_names(str(path), config_name=config) == list(splits)
        for split, columns in splits.items():
            assert (path / config / f"{split}-00000-of-00001.parquet").is_file()
            ds = _load(path, config, split)
            assert list(ds.column_names) == list(columns), (config, split)
            assert {c: _ftype(f) for c, f in ds.features.items()} == columns, (config, split)
            assert 0 < len(ds) <= 1000


def _pixels_sha(img) -> str:
    arr = np.asarray(img.convert("RGB"))
    return hashlib.sha256(str(arr.shape).encode() + arr.tobytes()).hexdigest()


def _folder_digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


@pytest.mark.parametrize("key", sorted(SCHEMAS))
def test_build_is_deterministic(built, key, tmp_path):
    BUILDERS[key].build(tmp_path / "again")
    assert _folder_digest(tmp_path / "again") == _folder_digest(built[key])


def test_golden_pixels(built):
    got = {k: _pixels_sha(_load(built[k[0]], k[1], k[2])[k[4]][k[3]]) for k in EXPECTED_PIXELS}
    assert got == EXPECTED_PIXELS


def test_images_sizes_and_labels(built):
    ds = _load(built["ShapesZeroShot"], "default", "test")
    assert ds.features["label"].names == W.SHAPES
    assert np.bincount(ds["label"]).tolist() == [25] * 8
    img = ds[0]["image"]
    assert img.size == (64, 64) and img.mode == "RGB" and img.format == "PNG"
    page = _load(built["ShapesDocumentRetrieval"], "corpus", "test")[0]["image"]
    assert page.size == (W.PAGE_W, W.PAGE_H)
    tr = _load(built["ShapesClassification"], "default", "train")
    assert min(np.bincount(tr["label"])) >= 16
    ml = _load(built["ShapesMultilabel"], "default", "train")
    assert all(1 <= len(c) <= 3 and len(set(c)) == len(c) for c in ml["classes"])


def test_retrieval_ids_and_qrels(built):
    for key in ("ShapesT2IRetrieval", "ShapesI2TRetrieval", "ShapesI2IRetrieval", "ShapesIT2TRetrieval",
                "ShapesMultipleChoice"):
        corpus = _load(built[key], "corpus", "test")
        queries = _load(built[key], "queries", "test")
        qrels = _load(built[key], "qrels", "test")
        cids, qids = set(corpus["id"]), set(queries["id"])
        assert len(cids) == len(corpus) and len(qids) == len(queries)
        assert set(qrels["query-id"]) == qids and set(qrels["corpus-id"]) <= cids
        for ds in (corpus, queries):
            for row in ds.select_columns(["modality", "text"]).to_list():
                assert row["modality"] in ("text", "image", "image,text")
                assert (row["text"] is not None) == ("text" in row["modality"])
    # IT2T and multiple choice queries carry both an image and a question
    q = _load(built["ShapesMultipleChoice"], "queries", "test")
    assert set(q["modality"]) == {"image,text"} and all(t.endswith("?") for t in q["text"])
    qrels = _load(built["ShapesMultipleChoice"], "qrels", "test").to_pandas()
    per_query = qrels.groupby("query-id")["score"]
    assert per_query.sum().eq(1).all() and per_query.count().between(3, 4).all()
    # I2I: queries are in the corpus, each with 3 other relevant renderings, never itself
    qrels = _load(built["ShapesI2IRetrieval"], "qrels", "test").to_pandas()
    assert qrels.groupby("query-id").size().eq(3).all()
    assert not (qrels["query-id"].str.removeprefix("query-") == qrels["corpus-id"].str.removeprefix("img-")).any()


def test_documents_query_words_are_on_the_page(built):
    q = _load(built["ShapesDocumentRetrieval"], "queries", "test")
    qrels = _load(built["ShapesDocumentRetrieval"], "qrels", "test")
    assert sorted(qrels["query-id"]) == sorted(q["query-id"])
    assert len(set(qrels["corpus-id"])) == len(qrels)
    for text in q["query"]:
        words = set(text.rstrip("?").split())
        assert len(words & set(W.DOC_TOPICS)) == 1 and len(words & set(W.DOC_KINDS)) == 1


def test_compositionality_negatives_differ_from_caption(built):
    ds = _load(built["ShapesCompositionality"], "default", "test").remove_columns("images")
    for row in ds.to_list():
        texts = [row["correct_caption"]] + [row[f"hard_text_{i}"] for i in range(1, 5)]
        assert len(set(texts)) == 5


def test_sts_scores_spread(built):
    for config in ("en", "de"):
        s = _load(built["RenderedShapesSTSMulti"], config, "test")["score"]
        assert set(s) == {0.0, 1.25, 2.5, 3.75, 5.0}
    s = _load(built["RenderedShapesSTS"], "default", "test")["score"]
    assert min(s) == 0.0 and max(s) == 5.0 and len(set(s)) == 5


def test_multilingual_captions_are_in_their_language(built):
    en = _load(built["ShapesMultilingualT2IRetrieval"], "en-queries", "test")["text"]
    de = _load(built["ShapesMultilingualT2IRetrieval"], "de-queries", "test")["text"]
    de_words = set(W.DE.values()) | set(W.DE_PLURAL.values())
    assert all(any(w in W.SHAPES for w in t.replace(",", " ").replace(".", " ").split()) for t in en)
    assert all(any(w in de_words for w in t.replace(",", " ").replace(".", " ").replace(":", " ").split())
               for t in de)


def test_every_word_of_every_dataset_is_a_world_word(built):
    """The bundled tokenizer spells each world word as one token; no dataset text may fall outside."""
    import re

    vocab = set(W.world_words())
    for key, path in built.items():
        for config in datasets.get_dataset_config_names(str(path)):
            for part in datasets.load_dataset(str(path), name=config).values():
                for col, feat in part.features.items():
                    if _ftype(feat) == "string" and col != "modality" and not col.endswith("id"):
                        for text in part[col]:
                            if text is not None:
                                assert set(re.findall(r"[a-z]+", text)) <= vocab, (key, text)


def test_relation_negatives_are_false():
    rs = np.random.RandomState(0)
    for _ in range(200):
        si, ci = rs.permutation(8)[:2], rs.permutation(8)[:2]
        a, b = (W.SHAPES[si[0]], W.COLORS[ci[0]]), (W.SHAPES[si[1]], W.COLORS[ci[1]])
        rel = W.RELATIONS[rs.randint(4)]
        true = {W.relation_caption(a, b, rel), W.relation_caption(b, a, W.OPPOSITE[rel])}
        negs = W.relation_negatives(rs, a, b, rel)
        assert set(negs) == set(W.STRUCTURAL_NEGATIVES) | set(W.SUBSTITUTION_NEGATIVES)
        assert not true & set(negs.values())
        assert len(set(negs.values())) == len(negs)


def test_objects_sit_on_the_patch_grid():
    rs = np.random.RandomState(1)
    for _ in range(100):
        o = W.sample_single(rs)
        assert o.cx % W.GRID == 0 and o.cy % W.GRID == 0
        assert 0 <= o.cx - o.r and o.cx + o.r <= 64 and 0 <= o.cy - o.r and o.cy + o.r <= 64
    for n in range(1, 5):
        objs = W.sample_scattered(rs, [("star", "red")] * n)
        assert len(objs) == n
