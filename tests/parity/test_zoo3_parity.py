"""Zoo part 3 against the reference's own code (mteb 2.26.24), where it runs without model weights:

- BM25: mteb's `BM25Search` (index + search) and mieb's `BM25Searcher` rank the same documents with the same
  scores, for English (stopwords + stemmer), German, Finnish (stemmer + corpus-frequency stopwords) and Chinese
  (characters).
- Prompt and instruction choice for every MIEB task and side: mteb's `get_prompt_name` (sentence-transformers
  prompts, jina-embeddings-v4's adapters) and `InstructSentenceTransformerModel.get_task_instruction`
  (F2LLM-v2) against mieb's.

Runs only where `mteb` is importable (and bm25s for BM25); skips cleanly elsewhere.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

mteb = pytest.importorskip("mteb")

from mieb.models.encoder import EncodeContext  # noqa: E402
from mieb.models.registry import get_model_meta  # noqa: E402

CORPORA = {
    "eng-Latn": (["The running dogs chased a red ball", "A cat sleeps on the warm mat", "Dogs and cats are pets",
                  "Stock markets fell sharply today", "The market for dog food is growing", "running shoes sale"],
                 ["dog running", "cats sleeping", "market news", "the a of", "zebra"]),
    "deu-Latn": (["Der Hund läuft schnell", "Die Katze schläft auf der Matte", "Hunde und Katzen sind Haustiere",
                  "Der Markt für Hundefutter wächst"], ["Hunde laufen", "Katze", "Markt", "und"]),
    "fin-Latn": (["koira juoksee nopeasti", "kissa nukkuu matolla", "koirat ja kissat ovat lemmikkejä",
                  "koira ja kissa"], ["koira", "kissat", "ja"]),
    "cmn-Hans": (["狗在公园里跑", "猫在垫子上睡觉", "狗和猫都是宠物", "股市今天大跌"], ["狗跑", "猫", "股市"]),
}


@pytest.mark.parametrize("language", list(CORPORA))
def test_bm25_equals_mteb(language: str) -> None:
    pytest.importorskip("bm25s")
    pytest.importorskip("Stemmer")
    from datasets import Dataset
    from mteb.models.model_implementations.bm25 import BM25Search

    from mieb.models.registry import get_model

    docs, queries = CORPORA[language]
    corpus = Dataset.from_dict({"id": [f"d{i}" for i in range(len(docs))], "title": [""] * len(docs), "text": docs})
    qds = Dataset.from_dict({"id": [f"q{i}" for i in range(len(queries))], "text": queries})
    meta = SimpleNamespace(eval_langs=[language])
    ref = BM25Search()
    ref.index(corpus, task_metadata=meta, hf_split="test", hf_subset="default", encode_kwargs={})
    expected = ref.search(qds, task_metadata=meta, hf_split="test", hf_subset="default", top_k=1000,
                          encode_kwargs={})
    # The corpus as mieb's retrieval kind hands it over: title + "\n" + text (see `text_search`).
    idx, scores = get_model("mteb/baseline-bm25s").search(queries, ["\n" + d for d in docs], 1000,
                                                          languages=[language])
    for row, qid in enumerate(qds["id"]):
        got = {f"d{i}": float(s) for i, s in zip(idx[row], scores[row], strict=True)}
        assert got.keys() == expected[qid].keys(), qid
        np.testing.assert_allclose([got[d] for d in sorted(got)], [expected[qid][d] for d in sorted(got)],
                                   rtol=1e-6, atol=1e-7, err_msg=qid)
    assert any(max(r.values(), default=0) > 0 for r in expected.values())  # something matched


def _mieb_tasks() -> list:  # noqa: ANN202 - mteb TaskMetadata objects of the MIEB benchmark
    return [t.metadata for t in mteb.get_benchmark("MIEB(Multilingual)").tasks]


def _contexts():  # noqa: ANN202 - (mteb metadata, prompt type or None, mieb EncodeContext)
    from mteb.types import PromptType

    for md in _mieb_tasks():
        for side in (PromptType.query, PromptType.document, None):
            prompt = md.prompt.get(side.value) if isinstance(md.prompt, dict) and side else None
            yield md, side, EncodeContext(task_name=md.name, task_type=md.type, prompt_type=side.value if side else None,
                                          instruction=prompt)


def test_sentence_transformer_prompts_equal_mteb() -> None:
    from mteb.models.abs_encoder import get_prompt_name

    from mieb.models.wrappers.sentence_transformers import prompt_by_priority

    names = {md.name for md in _mieb_tasks()}
    prompts = {"query": "q: ", "document": "d: ", "Any2AnyRetrieval": "any", "DocumentUnderstanding-query": "du-q",
               f"{sorted(names)[0]}-document": "name-d", sorted(names)[1]: "name"}
    for model_prompts in (prompts, get_model_meta("intfloat/multilingual-e5-small").loader_kwargs["model_prompts"]):
        for md, side, ctx in _contexts():
            name = get_prompt_name(model_prompts, md, side)
            assert prompt_by_priority(model_prompts, ctx) == (model_prompts[name] if name else None), (md.name, side)


def test_jina_v4_adapter_and_prompt_equal_mteb() -> None:
    from mteb.models.model_implementations.jina_models import JinaV4Wrapper

    from mieb.models.wrappers.jina_v4 import adapter_and_prompt

    model_prompts = get_model_meta("jinaai/jina-embeddings-v4").loader_kwargs["model_prompts"]
    ref = object.__new__(JinaV4Wrapper)  # no weights: only the prompt resolution is called
    ref.model_prompts = model_prompts
    for md, side, ctx in _contexts():
        base_task, prompt_name, _ = ref._resolve_task_parameters(md, side)
        assert adapter_and_prompt(model_prompts, ctx) == (base_task, prompt_name), (md.name, side)


def test_f2llm_instruction_equals_mteb() -> None:
    from mteb.models.instruct_wrapper import InstructSentenceTransformerModel
    from mteb.models.model_implementations.codefuse_models import F2LLM_v2_80M
    from mteb.types import PromptType

    from mieb.models.wrappers.sentence_transformers import SentenceTransformerEncoder

    ref_kwargs = F2LLM_v2_80M.loader_kwargs
    ref = object.__new__(InstructSentenceTransformerModel)  # no weights: only the instruction choice is called
    ref.instruction_template, ref.prompts_dict = ref_kwargs["instruction_template"], ref_kwargs["prompts_dict"]
    ours = object.__new__(SentenceTransformerEncoder)
    card = get_model_meta("codefuse-ai/F2LLM-v2-80M").loader_kwargs
    ours.instruction_template, ours.prompts_dict = card["instruction_template"], card["prompts_dict"]
    ours.apply_instruction_to_passages = card["apply_instruction_to_passages"]
    checked = 0
    for md, side, ctx in _contexts():
        if side is None or md.type not in ("Any2AnyRetrieval", "Any2AnyMultilingualRetrieval",
                                           "DocumentUnderstanding"):
            continue  # text-only models run on retrieval tasks; others have no text on both sides
        expected = None if side == PromptType.document else ref.get_task_instruction(md, side) or None
        assert ours.prompt(ctx) == expected, (md.name, side)
        checked += 1
    assert checked > 0
