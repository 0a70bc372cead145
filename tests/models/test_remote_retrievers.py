"""NVIDIA ColEmbed and jina-embeddings-v4 through mieb's remote-code path, on tiny checkpoints carrying stand-in
remote code (`remote_code/nvidia_colembed/`, `remote_code/jina_v4/`): the real checkpoints' public methods
(`forward_queries` / `forward_images` / `get_scores`; `encode_text` / `encode_image` with task adapters and
prompts) over a tiny ColQwen3.5, not the real architectures. What is tested is mieb's side: the consent gate,
calling the checkpoint's own methods as the reference does, per-item token sets and scores against the
checkpoint's `get_scores`, the adapter / prompt chosen per task type and side, single- and multi-vector
outputs, batch invariance, and the cards.
Needs the `colpali` extra (the stand-ins are built on colpali_engine); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("colpali_engine")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_colqwen35  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import UsageError  # noqa: E402
from mieb.models.encoder import EncodeContext, MultiVector  # noqa: E402
from mieb.models.meta import ModelMeta  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.models.wrappers.jina_v4 import adapter_and_prompt  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


def local_card(name: str, folder: Path) -> ModelMeta:
    meta = get_model_meta(name)
    return meta.model_copy(update={"weights": str(folder), "revision": None})


@pytest.fixture(scope="module")
def colembed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colqwen35(tmp_path_factory.mktemp("tiny-colembed"), remote="nvidia_colembed")


@pytest.fixture(scope="module")
def jina_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_colqwen35(tmp_path_factory.mktemp("tiny-jina-v4"), remote="jina_v4")


def test_cards() -> None:
    names = ["nvidia/llama-nemoretriever-colembed-1b-v1", "nvidia/llama-nemoretriever-colembed-3b-v1",
             "nvidia/llama-nemotron-colembed-vl-3b-v2", "nvidia/nemotron-colembed-vl-4b-v2",
             "nvidia/nemotron-colembed-vl-8b-v2"]
    dims = [get_model_meta(n).embed_dim for n in names]
    assert dims == [2048, 3072, 3072, 2560, 4096]
    for n in names:
        meta = get_model_meta(n)
        assert meta.trust_remote_code and meta.similarity == "max_sim" and meta.fusion is None
        assert meta.loader_kwargs == {} and meta.precision == "bf16"
    jina = get_model_meta("jinaai/jina-embeddings-v4")
    assert jina.revision == "26239889730c735ed7e9a4db9180c8935faf4ba0" and jina.similarity == "cosine"
    assert jina.uses_instructions and jina.trust_remote_code and jina.embed_dim == 2048


@pytest.mark.parametrize("name", ["nvidia/nemotron-colembed-vl-4b-v2", "jinaai/jina-embeddings-v4"])
def test_consent(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("nothing may be loaded before consent")

    monkeypatch.setattr(transformers.AutoModel, "from_pretrained", boom)
    with pytest.raises(UsageError, match="--trust-remote-code"):
        get_model(name)


def test_colembed_matches_checkpoint_methods(colembed_dir: Path, family_images: ImageColumn,
                                             family_texts: list[str]) -> None:
    from transformers import AutoModel

    model = AutoModel.from_pretrained(colembed_dir, trust_remote_code=True, dtype=torch.float32).eval()
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    ref_q = model.forward_queries(family_texts, batch_size=4)
    ref_d = model.forward_images(pil, batch_size=4)
    encoder = get_model(local_card("nvidia/nemotron-colembed-vl-4b-v2", colembed_dir), device="cpu",
                        trust_remote_code=True)
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    q, d = emb.texts(family_texts, prompt_type="query"), emb.images(family_images, prompt_type="document")
    assert isinstance(q, MultiVector) and len(set(q.lengths.tolist())) > 1
    for i in range(len(family_texts)):  # the checkpoint's tokens, its padding rows dropped
        ref = ref_q[i][ref_q[i].abs().sum(-1) > 0]
        np.testing.assert_allclose(q.values[i, : q.lengths[i]], ref.numpy(), atol=1e-5)
    # The reference scores the whole call's padded tensors with the checkpoint's get_scores.
    padded_d = torch.nn.utils.rnn.pad_sequence([t.float() for t in ref_d], batch_first=True)
    np.testing.assert_allclose(encoder.similarity(q, d).numpy(), model.get_scores(ref_q, padded_d).numpy(),
                               atol=1e-4)
    check_contract(encoder, family_images, family_texts, dim=128, normalised=None, batch_sizes=(1, 4))


def test_jina_adapter_and_prompt_resolution() -> None:
    prompts = get_model_meta("jinaai/jina-embeddings-v4").loader_kwargs["model_prompts"]
    vidore = dict(task_name="VidoreDocVQARetrieval", task_type="DocumentUnderstanding")
    assert adapter_and_prompt(prompts, EncodeContext(**vidore, prompt_type="query")) == ("retrieval", "query")
    # "DocumentUnderstanding" names queries' settings; documents fall back to the task type's entry too.
    assert adapter_and_prompt(prompts, EncodeContext(**vidore, prompt_type="document")) == ("retrieval", "query")
    sts = EncodeContext(task_name="STS17MultilingualVisualSTS", task_type="VisualSTS(multi)")
    assert adapter_and_prompt(prompts, sts) == ("retrieval", "query")  # no entry: the defaults
    assert adapter_and_prompt({"Retrieval-document": "retrieval.passage"},
                              EncodeContext(task_type="Retrieval", prompt_type="document")) == ("retrieval",
                                                                                                "passage")
    assert adapter_and_prompt({"STS": "text-matching"}, EncodeContext(task_type="STS")) == ("text-matching",
                                                                                            "query")


def test_jina_single_and_multi_vector(jina_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    from transformers import AutoModel

    model = AutoModel.from_pretrained(jina_dir, trust_remote_code=True, dtype=torch.float32).eval()
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    card = local_card("jinaai/jina-embeddings-v4", jina_dir)
    single = get_model(card, device="cpu", trust_remote_code=True)
    emb = Embedder(single, batch_size=3, num_workers=0)
    emb.start_task("VidoreDocVQARetrieval", "DocumentUnderstanding", "t2i")
    ref = torch.stack(model.encode_text(family_texts, task="retrieval", prompt_name="query", batch_size=7)).numpy()
    np.testing.assert_allclose(emb.texts(family_texts, prompt_type="query"), ref, atol=1e-5)
    ref_img = torch.stack(model.encode_image(pil, task="retrieval", batch_size=1)).numpy()
    np.testing.assert_allclose(emb.images(family_images, prompt_type="document"), ref_img, atol=1e-5)
    emb.start_task("SomeSTS", "STS", "t2t")  # another adapter: another embedding
    assert not np.allclose(emb.texts(family_texts), ref, atol=1e-3)
    check_contract(single, family_images, family_texts, dim=128, normalised=True, batch_sizes=(1, 4))

    multi = get_model(card, device="cpu", trust_remote_code=True, vector_type="multi_vector")
    assert multi.meta.similarity == "max_sim" and multi.meta.fusion == "concat"
    memb = Embedder(multi, batch_size=3, num_workers=0)
    q = memb.texts(family_texts, prompt_type="query")
    ref_tokens = model.encode_text(family_texts, task="retrieval", prompt_name="query", return_multivector=True)
    for i, tokens in enumerate(ref_tokens):
        np.testing.assert_allclose(q.values[i, : q.lengths[i]], tokens.numpy(), atol=1e-5)
    fused = memb.fused(family_images, family_texts[: len(family_images)])
    assert fused.lengths.tolist() == (q.lengths[: len(family_images)] + memb.images(family_images).lengths).tolist()
    with pytest.raises(ValueError, match="vector_type"):
        get_model(card, device="cpu", trust_remote_code=True, vector_type="sparse")
