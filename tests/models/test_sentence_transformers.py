"""Text baselines through sentence-transformers (e5-style prompts, a static model on the CPU, an instruction
model), on tiny local SentenceTransformer folders built here: prompts per side against SentenceTransformer's
own encode with the prompt written out, batch invariance, the prompt priority, and the cards.

Needs the `sentence-transformers` extra; skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from model_builders import tiny_bert_tokenizer

from mieb.models.encoder import EncodeContext
from mieb.models.registry import get_model, get_model_meta
from mieb.runner.embedder import Embedder

st = pytest.importorskip("sentence_transformers")
modules = pytest.importorskip("sentence_transformers.sentence_transformer.modules")  # 6.x layout

from mieb.models.wrappers.sentence_transformers import instruction_by_priority, prompt_by_priority  # noqa: E402

TEXTS = ["a red square", "x", "a much longer sentence about a dog and a photo", "blue", "Hello World!"]


@pytest.fixture(scope="module")
def bert_st(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT + mean pooling + normalisation SentenceTransformer with e5-like built-in prompts."""
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-st")
    hf = folder / "hf"
    tok = tiny_bert_tokenizer(hf / "_vocab", max_len=64)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=64)).save_pretrained(hf)
    tok.save_pretrained(hf)
    parts = [modules.Transformer(str(hf), max_seq_length=64), modules.Pooling(32, "mean"), modules.Normalize()]
    model = st.SentenceTransformer(modules=parts, prompts={"query": "query: ", "document": "passage: "})
    model.save(str(folder / "st"))
    return folder / "st"


@pytest.fixture(scope="module")
def static_st(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = ["[UNK]", "a", "red", "square", "x", "blue", "dog", "photo", "hello", "world"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    torch.manual_seed(0)
    model = st.SentenceTransformer(modules=[modules.StaticEmbedding(tok, embedding_dim=12)])
    folder = tmp_path_factory.mktemp("tiny-static") / "st"
    model.save(str(folder))
    return folder


def _card(name: str, folder: Path):  # noqa: ANN202 - a ModelMeta pointing at a local folder
    return get_model_meta(name).model_copy(update={"weights": str(folder), "revision": None})


def test_cards() -> None:
    e5 = get_model_meta("intfloat/multilingual-e5-small")
    assert e5.loader_kwargs["model_prompts"] == {"query": "query: ", "document": "passage: "}
    assert e5.uses_instructions and e5.modalities == ["text"] and e5.embed_dim == 384
    f2 = get_model_meta("codefuse-ai/F2LLM-v2-80M")
    assert f2.revision == "35baae5091e26211dbe628f1723448c146fafdf2"  # the published one
    assert f2.precision == "bf16" and f2.loader_kwargs["add_eos_token"]
    assert get_model_meta("sentence-transformers/static-similarity-mrl-multilingual-v1").loader_kwargs == {
        "run_on": "cpu"}
    assert get_model_meta("minishlab/potion-multilingual-128M").revision == "38ebd7f10f71e67fa8db898290f92b82e9cfff2a"


def test_prompts_per_side_and_batch_invariance(bert_st: Path) -> None:
    encoder = get_model(_card("intfloat/multilingual-e5-small", bert_st), device="cpu")
    reference = st.SentenceTransformer(str(bert_st), device="cpu")
    for side, prefix in (("query", "query: "), ("document", "passage: ")):
        runs = [Embedder(encoder, batch_size=bs, num_workers=0).texts(TEXTS, prompt_type=side) for bs in (1, 2, 8)]
        expected = reference.encode([prefix + t for t in TEXTS], convert_to_numpy=True)
        for out in runs:
            np.testing.assert_allclose(out, expected, atol=1e-5)
    plain = reference.encode(TEXTS, convert_to_numpy=True)
    assert not np.allclose(runs[0], plain, atol=1e-3)  # the prompt changes the embedding


def test_checkpoint_prompts_apply_without_card_prompts(bert_st: Path) -> None:
    encoder = get_model(_card("minishlab/potion-multilingual-128M", bert_st), device="cpu")
    assert encoder.prompt(EncodeContext(prompt_type="query")) == "query: "
    assert encoder.prompt(EncodeContext(prompt_type=None)) is None


def test_static_model_runs_on_cpu(static_st: Path) -> None:
    encoder = get_model(_card("sentence-transformers/static-similarity-mrl-multilingual-v1", static_st))
    assert encoder.device.type == "cpu"
    out = Embedder(encoder, batch_size=2, num_workers=0).texts(TEXTS, prompt_type="query")
    ref = st.SentenceTransformer(str(static_st), device="cpu").encode(TEXTS, convert_to_numpy=True)
    np.testing.assert_allclose(out, ref, atol=1e-6)


def test_instruction_model_prompts(bert_st: Path) -> None:
    encoder = get_model(_card("codefuse-ai/F2LLM-v2-80M", bert_st), device="cpu")  # fp32 on the CPU
    query = EncodeContext(task_name="WebQAT2TRetrieval", task_type="Any2AnyRetrieval", prompt_type="query",
                          instruction="Retrieve passages from Wikipedia that provide answers to the following question.")
    # The "query" entry outranks the task's own prompt (mteb's default priority); documents get none.
    assert encoder.prompt(query) == ("Instruct: Given a question, retrieve passages that can help answer the "
                                     "question.\nQuery: ")
    assert encoder.prompt(EncodeContext(task_name="WebQAT2TRetrieval", prompt_type="document")) is None
    assert encoder.model.max_seq_length == 8192
    out = Embedder(encoder, batch_size=3, num_workers=0).texts(TEXTS, prompt_type="query")
    ref = st.SentenceTransformer(str(bert_st), device="cpu").encode([encoder.prompt(query) + t for t in TEXTS])
    assert out.shape == ref.shape


def test_runs_end_to_end_on_a_text_task(bert_st: Path, tmp_path: Path) -> None:
    """The text baselines' published task is text to text (WebQAT2TRetrieval); image tasks are refused before
    any data is read."""
    from local_tasks import colour_t2i, words_t2t

    from mieb.errors import ModalityError
    from mieb.runner.run import MIEB, check_modalities

    card = _card("intfloat/multilingual-e5-small", bert_st)
    run = dict(encode_kwargs={"batch_size": 2, "num_workers": 0}, progress=False, cache=False)
    report = MIEB([words_t2t(tmp_path)]).run(card, output_folder=tmp_path / "out", device="cpu", **run)
    scores = report.results[0].scores["test"][0]
    assert 0.0 <= scores["ndcg_at_10"] <= 1.0 and scores["recall_at_5"] > 0
    with pytest.raises(ModalityError):
        check_modalities(colour_t2i(tmp_path), get_model(card, device="cpu"))


def test_prompt_priority() -> None:
    prompts = {"query": "q", "Any2AnyRetrieval": "type", "Any2AnyRetrieval-query": "type-q", "T": "name",
               "T-document": "name-d"}
    ctx = EncodeContext(task_name="T", task_type="Any2AnyRetrieval", prompt_type="document")
    assert prompt_by_priority(prompts, ctx) == "name-d"
    assert prompt_by_priority(prompts, EncodeContext(task_name="T", task_type="Any2AnyRetrieval",
                                                     prompt_type="query")) == "name"
    assert prompt_by_priority(prompts, EncodeContext(task_name="U", task_type="Any2AnyRetrieval",
                                                     prompt_type="query")) == "type-q"
    assert prompt_by_priority({"query": "q"}, EncodeContext(task_name="U", prompt_type="query")) == "q"
    assert prompt_by_priority({"query": "q"}, EncodeContext(task_name="U")) is None
    assert instruction_by_priority({"query": "i"}, EncodeContext(task_type="X", prompt_type="query",
                                                                 instruction="task")) == "i"
    assert instruction_by_priority({}, EncodeContext(prompt_type="query", instruction="task")) == "task"
