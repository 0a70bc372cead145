"""Small tasks on locally written hub-style datasets, with answers known by construction."""

from __future__ import annotations

from pathlib import Path

from datasets import ClassLabel, Dataset, Features, Image, Value
from helpers import solid_image, write_hub_folder

from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.kinds.zeroshot import ZeroShotSettings
from mieb.tasks.metadata import DatasetRef, TaskMetadata
from mieb.tasks.task import Task

COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}


def colour_zeroshot(root: Path, *, n_per_class: int = 3, name: str = "ColourZeroShot",
                    broken_row: int | None = None, label_column: str = "label") -> Task:
    names = list(COLOURS)
    imgs, labels = [], []
    for k in range(n_per_class):
        for i, c in enumerate(names):
            imgs.append({"bytes": solid_image(COLOURS[c], noise=20, seed=k * 10 + i), "path": None})
            labels.append(i)
    if broken_row is not None:
        imgs[broken_row] = {"bytes": b"\x89PNG broken", "path": None}
    feats = Features({"image": Image(), label_column: ClassLabel(names=names)})
    ds = Dataset.from_dict({"image": imgs, label_column: labels}, features=feats)
    folder = write_hub_folder(root / name, {"default": {"test": ds}})
    meta = TaskMetadata(
        name=name, description="colours", type="ZeroShotClassification", category="i2t",
        modalities=["image", "text"], dataset=DatasetRef(path=str(folder), revision="local"),
        eval_splits=["test"], eval_langs=["eng-Latn"], main_score="accuracy",
        settings=ZeroShotSettings(template="a photo of a {name} thing."),
    )
    return Task(meta)


def colour_t2i(root: Path, *, name: str = "ColourT2IRetrieval", languages: tuple[str, ...] = ()) -> Task:
    names = list(COLOURS)
    corpus = Dataset.from_dict(
        {"id": [f"d{i}" for i in range(len(names))], "modality": ["image"] * len(names),
         "text": [None] * len(names),
         "image": [{"bytes": solid_image(COLOURS[c], noise=10, seed=i), "path": None} for i, c in enumerate(names)]},
        features=Features({"id": Value("string"), "modality": Value("string"), "text": Value("string"),
                           "image": Image()}),
    )
    queries = Dataset.from_dict({"id": [f"q{i}" for i in range(len(names))], "modality": ["text"] * len(names),
                                 "text": [f"something {c}" for c in names], "image": [None] * len(names)},
                                features=Features({"id": Value("string"), "modality": Value("string"),
                                                   "text": Value("string"), "image": Image()}))
    qrels = Dataset.from_dict({"query-id": [f"q{i}" for i in range(len(names))],
                               "corpus-id": [f"d{i}" for i in range(len(names))], "score": [1] * len(names)})
    if languages:
        configs = {}
        for lang in languages:
            configs.update({f"{lang}-corpus": {"test": corpus}, f"{lang}-queries": {"test": queries},
                            f"{lang}-qrels": {"test": qrels}})
        eval_langs: list[str] | dict[str, list[str]] = {lang: [f"{lang}-Latn"] for lang in languages}
    else:
        configs = {"corpus": {"test": corpus}, "queries": {"test": queries}, "qrels": {"test": qrels}}
        eval_langs = ["eng-Latn"]
    folder = write_hub_folder(root / name, configs)
    meta = TaskMetadata(
        name=name, description="colours", type="Any2AnyRetrieval", category="t2i",
        modalities=["text", "image"], dataset=DatasetRef(path=str(folder), revision="local"),
        eval_splits=["test"], eval_langs=eval_langs, main_score="ndcg_at_10", settings=RetrievalSettings(),
    )
    return Task(meta)


def _colour_rows(n_per_class: int, seed: int) -> tuple[list[dict], list[int]]:
    imgs, labels = [], []
    for k in range(n_per_class):
        for i, c in enumerate(COLOURS):
            imgs.append({"bytes": solid_image(COLOURS[c], noise=20, seed=seed + k * 10 + i), "path": None})
            labels.append(i)
    return imgs, labels


def _meta(name: str, folder: Path, **fields) -> TaskMetadata:
    fields.setdefault("eval_splits", ["test"])
    fields.setdefault("eval_langs", ["eng-Latn"])
    return TaskMetadata(name=name, description="colours", dataset=DatasetRef(path=str(folder), revision="local"),
                        **fields)


def colour_probe(root: Path, *, samples_per_label: int = 3, n_train_per_class: int = 5,
                 kind: str = "linear_probe") -> Task:
    from mieb.tasks.kinds.clustering import ClusteringSettings
    from mieb.tasks.kinds.linear_probe import LinearProbeSettings
    from mieb.tasks.kinds.multilabel import MultilabelSettings

    names = list(COLOURS)
    tr_imgs, tr_labels = _colour_rows(n_train_per_class, 100)
    te_imgs, te_labels = _colour_rows(3, 200)
    if kind == "multilabel":
        from datasets import Sequence

        feats = Features({"image": Image(), "classes": Sequence(ClassLabel(names=names))})
        mk = lambda im, lab: Dataset.from_dict({"image": im, "classes": [[x] for x in lab]}, features=feats)  # noqa: E731
        settings, main = MultilabelSettings(samples_per_label=samples_per_label, n_experiments=3), "lrap"
        typ = "ImageClassification"
    else:
        feats = Features({"image": Image(), "label": ClassLabel(names=names)})
        mk = lambda im, lab: Dataset.from_dict({"image": im, "label": lab}, features=feats)  # noqa: E731
        if kind == "clustering":
            settings, main, typ = ClusteringSettings(), "nmi", "ImageClustering"
        else:
            settings = LinearProbeSettings(samples_per_label=samples_per_label, n_experiments=3)
            main, typ = "accuracy", "ImageClassification"
    name = {"linear_probe": "ColourProbe", "multilabel": "ColourMultilabel", "clustering": "ColourClustering"}[kind]
    folder = write_hub_folder(root / name, {"default": {"train": mk(tr_imgs, tr_labels), "test": mk(te_imgs, te_labels)}})
    return Task(_meta(name, folder, type=typ, category="i2c", modalities=["image"], main_score=main,
                      settings=settings))


def colour_compositionality(root: Path, *, two_by_two: bool = False) -> Task:
    from mieb.tasks.kinds.compositionality import CompositionalitySettings

    names = list(COLOURS)
    if two_by_two:  # Winoground-like: 2 images x 2 captions, the i-th caption describes the i-th image
        rows = {"image_0": [], "image_1": [], "caption_0": [], "caption_1": []}
        for i in range(4):
            a, b = names[i], names[(i + 1) % 4]
            rows["image_0"].append({"bytes": solid_image(COLOURS[a], noise=10, seed=i), "path": None})
            rows["image_1"].append({"bytes": solid_image(COLOURS[b], noise=10, seed=i + 9), "path": None})
            rows["caption_0"].append(f"all {a}")
            rows["caption_1"].append(f"all {b}")
        feats = Features({"image_0": Image(), "image_1": Image(), "caption_0": Value("string"),
                          "caption_1": Value("string")})
        settings = CompositionalitySettings(images_columns=["image_0", "image_1"], texts_columns=["caption_0", "caption_1"])
        main, name = "accuracy", "ColourWinoground"
    else:  # ARO-like: one image, the correct caption first, then 3 wrong colours
        rows = {"images": [], "correct": [], "wrong_1": [], "wrong_2": [], "wrong_3": []}
        for i, c in enumerate(names):
            rows["images"].append({"bytes": solid_image(COLOURS[c], noise=10, seed=i), "path": None})
            others = [o for o in names if o != c]
            rows["correct"].append(f"a {c} picture")
            for j, o in enumerate(others, 1):
                rows[f"wrong_{j}"].append(f"a {o} picture")
        feats = Features({"images": Image(), **{k: Value("string") for k in rows if k != "images"}})
        settings = CompositionalitySettings(images_columns=["images"],
                                            texts_columns=["correct", "wrong_1", "wrong_2", "wrong_3"])
        main, name = "text_acc", "ColourARO"
    folder = write_hub_folder(root / name, {"default": {"test": Dataset.from_dict(rows, features=feats)}})
    return Task(_meta(name, folder, type="Compositionality", category="i2t", modalities=["text", "image"],
                      main_score=main, settings=settings))


def colour_sts(root: Path, *, languages: tuple[str, ...] = ()) -> Task:
    """Pairs of colour images; gold 5 for the same colour, 0 otherwise."""
    from mieb.tasks.kinds.sts import STSSettings

    names = list(COLOURS)
    s1, s2, gold = [], [], []
    for i in range(16):
        a, b = names[i % 4], names[(i // 4) % 4]
        # 16 x 16: the oracle's own input size, so an independent check can average the raw pixels
        s1.append({"bytes": solid_image(COLOURS[a], size=(16, 16), noise=60, seed=i), "path": None})
        s2.append({"bytes": solid_image(COLOURS[b], size=(16, 16), noise=60, seed=100 + i), "path": None})
        gold.append(5.0 if a == b else 0.0)
    feats = Features({"sentence1": Image(), "sentence2": Image(), "score": Value("float32")})
    ds = Dataset.from_dict({"sentence1": s1, "sentence2": s2, "score": gold}, features=feats)
    name = "ColourSTS" + ("Multi" if languages else "")
    configs = {lang: {"test": ds} for lang in languages} if languages else {"default": {"test": ds}}
    folder = write_hub_folder(root / name, configs)
    langs = {lang: [f"{lang}-Latn"] for lang in languages} if languages else ["eng-Latn"]
    return Task(_meta(name, folder, type="VisualSTS(multi)" if languages else "VisualSTS(eng)", category="i2i",
                      modalities=["image"], main_score="cosine_spearman", settings=STSSettings(), eval_langs=langs))


def colour_multiple_choice(root: Path, *, empty_candidates: bool = False, reranking: bool = False) -> Task:
    """Query = colour image + question; candidates = 3 colour words, the right one judged 1, others 0.

    `empty_candidates`: the dataset also ships a `top_ranked` config in which q1 has no candidates; a
    multiple-choice task ignores it (candidates come from the judgements), a retrieval task
    (`reranking`) reranks those lists."""
    from mieb.tasks.kinds.multiple_choice import MultipleChoiceSettings

    names = list(COLOURS)
    corpus = Dataset.from_dict({"id": [f"c{i}" for i in range(4)], "modality": ["text"] * 4,
                                "text": [f"it is {c}" for c in names], "image": [None] * 4},
                               features=Features({"id": Value("string"), "modality": Value("string"),
                                                  "text": Value("string"), "image": Image()}))
    queries = Dataset.from_dict(
        {"id": [f"q{i}" for i in range(4)], "modality": ["image,text"] * 4, "text": ["which colour?"] * 4,
         "image": [{"bytes": solid_image(COLOURS[c], noise=10, seed=i), "path": None} for i, c in enumerate(names)]},
        features=Features({"id": Value("string"), "modality": Value("string"), "text": Value("string"),
                           "image": Image()}))
    q, d, s = [], [], []
    for i in range(4):
        for j in (i, (i + 1) % 4, (i + 2) % 4):
            q.append(f"q{i}"), d.append(f"c{j}"), s.append(1 if j == i else 0)
    configs = {"corpus": {"test": corpus}, "queries": {"test": queries},
               "qrels": {"test": Dataset.from_dict({"query-id": q, "corpus-id": d, "score": s})}}
    if empty_candidates:
        tr = Dataset.from_dict({"query-id": ["q0", "q1", "q2", "q3"],
                                "corpus-ids": [["c0", "c1"], [], ["c2", "c3"], ["c3", "c0"]]})
        configs["top_ranked"] = {"test": tr}
    name = "ColourMultipleChoice"
    folder = write_hub_folder(root / name, configs)
    if reranking:
        return Task(_meta(name, folder, type="Any2AnyRetrieval", category="it2t", modalities=["text", "image"],
                          main_score="ndcg_at_10", settings=RetrievalSettings()))
    return Task(_meta(name, folder, type="VisionCentricQA", category="it2t", modalities=["text", "image"],
                      main_score="accuracy", settings=MultipleChoiceSettings()))


def colour_documents(root: Path) -> Task:
    """ViDoRe layout: queries (query-id, query), corpus (corpus-id, image), qrels."""
    from mieb.tasks.kinds.retrieval import RetrievalSettings

    names = list(COLOURS)
    queries = Dataset.from_dict({"query-id": list(range(4)), "query": [f"the {c} page" for c in names]})
    corpus = Dataset.from_dict(
        {"corpus-id": list(range(10, 14)),
         "image": [{"bytes": solid_image(COLOURS[c], noise=10, seed=i), "path": None} for i, c in enumerate(names)]},
        features=Features({"corpus-id": Value("int64"), "image": Image()}))
    qrels = Dataset.from_dict({"query-id": list(range(4)), "corpus-id": list(range(10, 14)), "score": [1] * 4})
    folder = write_hub_folder(root / "ColourDocs", {"queries": {"test": queries}, "corpus": {"test": corpus},
                                                    "qrels": {"test": qrels}})
    return Task(_meta("ColourDocs", folder, type="DocumentUnderstanding", category="t2i",
                      modalities=["text", "image"], main_score="ndcg_at_5", settings=RetrievalSettings(loader="vidore")))


# Words that neither the English stopword list nor the Snowball stemmer changes.
WORDS_CORPUS = ["red apple fruit", "green apple tree tree", "yellow banana fruit market", "blue ocean", "market town"]
WORDS_QUERIES = ["apple fruit", "tree", "market", "zebra"]


def words_t2t(root: Path) -> Task:
    """Text-to-text retrieval (like WebQAT2TRetrieval): q0 -> d0, q1 -> d1, q2 -> d2 ("market" also in d4)."""
    str_feats = Features({"id": Value("string"), "text": Value("string")})
    corpus = Dataset.from_dict({"id": [f"d{i}" for i in range(len(WORDS_CORPUS))], "text": WORDS_CORPUS},
                               features=str_feats)
    queries = Dataset.from_dict({"id": ["q0", "q1", "q2"], "text": WORDS_QUERIES[:3]}, features=str_feats)
    qrels = Dataset.from_dict({"query-id": ["q0", "q1", "q2"], "corpus-id": ["d0", "d1", "d2"], "score": [1, 1, 1]})
    folder = write_hub_folder(root / "WordsT2T", {"corpus": {"test": corpus}, "queries": {"test": queries},
                                                  "qrels": {"test": qrels}})
    return Task(_meta("WordsT2TRetrieval", folder, type="Any2AnyRetrieval", category="t2t", modalities=["text"],
                      main_score="ndcg_at_10", settings=RetrievalSettings()))
