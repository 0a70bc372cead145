"""eager-embed-v1 and NanoVDR (single-vector embedders on Qwen3-VL) on tiny local checkpoints built here:
their embeddings against the reference's steps written out in this test (chat template, qwen-vl-utils resizing,
last-token pooling, normalisation), the query prefix, NanoVDR's student / teacher split, batch invariance.

Needs torchvision, qwen-vl-utils and (NanoVDR) sentence-transformers; skipped without them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
qwen_vl_utils = pytest.importorskip("qwen_vl_utils")
pytestmark = pytest.mark.extras

from contract import check_contract  # noqa: E402
from model_builders import make_tiny_qwen3vl, make_tiny_sentence_transformer  # noqa: E402

from mieb.data.images import ImageColumn, decode  # noqa: E402
from mieb.errors import ModalityError  # noqa: E402
from mieb.models.encoder import EncodeContext  # noqa: E402
from mieb.models.registry import get_model, get_model_meta  # noqa: E402
from mieb.runner.embedder import Embedder  # noqa: E402


@pytest.fixture(scope="module")
def qwen3vl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_qwen3vl(tmp_path_factory.mktemp("tiny-qwen3vl"))


def eager_reference(model, processor, text: str, image, prompt_type: str | None) -> np.ndarray:  # noqa: ANN001
    """mteb's EagerEmbedV1Wrapper.encode for one input, written out."""
    content = [{"type": "text", "text": ("Query: " if prompt_type == "query" else "") + text}]
    if image is not None:
        content.append({"type": "image", "image": image, "resized_height": 784, "resized_width": 784})
    messages = [[{"role": "user", "content": content}]]
    prompt = processor.apply_chat_template(messages[0], tokenize=False, add_generation_prompt=False) + "<|endoftext|>"
    images = qwen_vl_utils.process_vision_info(messages)[0] if image is not None else None
    inputs = processor(text=[prompt], images=images, videos=None, padding="longest", return_tensors="pt")
    with torch.no_grad():
        out = model(**inputs, return_dict=True, output_hidden_states=True, logits_to_keep=1)
    return torch.nn.functional.normalize(out.hidden_states[-1][:, -1].float(), dim=-1)[0].numpy()


def test_eager_embed(qwen3vl_dir: Path, family_images: ImageColumn, family_texts: list[str]) -> None:
    from transformers import AutoProcessor, Qwen3VLForConditionalGeneration

    meta = get_model_meta("eagerworks/eager-embed-v1")
    assert meta.loader_kwargs == {"image_size": 784} and meta.fusion == "joint" and meta.precision == "fp16"
    card = meta.model_copy(update={"weights": str(qwen3vl_dir), "revision": None})
    encoder = get_model(card, device="cpu")
    model = Qwen3VLForConditionalGeneration.from_pretrained(qwen3vl_dir, dtype=torch.float32).eval()
    processor = AutoProcessor.from_pretrained(qwen3vl_dir)
    pil = [decode(family_images.raw(i)) for i in range(len(family_images))]
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    q = emb.texts(family_texts, prompt_type="query")
    d = emb.images(family_images, prompt_type="document")
    f = emb.fused(family_images, family_texts[: len(pil)], prompt_type="document")
    for i, text in enumerate(family_texts):
        np.testing.assert_allclose(q[i], eager_reference(model, processor, text, None, "query"), atol=1e-5)
    for i, image in enumerate(pil):
        np.testing.assert_allclose(d[i], eager_reference(model, processor, "", image, "document"), atol=1e-5)
        np.testing.assert_allclose(f[i], eager_reference(model, processor, family_texts[i], image, "document"),
                                   atol=1e-5)
    plain = emb.texts(family_texts, prompt_type="document")
    assert not np.allclose(plain, q, atol=1e-3)  # "Query: " changes query embeddings
    check_contract(encoder, family_images, family_texts, dim=32, normalised=True, batch_sizes=(1, 4))


@pytest.fixture(scope="module")
def nanovdr(qwen3vl_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (encoder, student)
    pytest.importorskip("sentence_transformers.sentence_transformer.modules")
    student = make_tiny_sentence_transformer(tmp_path_factory.mktemp("nanovdr") / "student")
    meta = get_model_meta("nanovdr/NanoVDR-S-Multi")
    card = meta.model_copy(update={"weights": str(student), "revision": None,
                                   "loader_kwargs": {**meta.loader_kwargs, "teacher": str(qwen3vl_dir),
                                                     "teacher_revision": None, "teacher_dtype": "float32"}})
    return get_model(card, device="cpu"), student


def nanovdr_teacher_reference(model, processor, image=None, text=None) -> np.ndarray:  # noqa: ANN001
    """mteb's NanoVDRWrapper._encode_documents for one document, written out."""
    part = ({"type": "image", "image": image, "min_pixels": 4 * 32 * 32, "max_pixels": 1800 * 32 * 32}
            if image is not None else {"type": "text", "text": text or "NULL"})
    conv = [[{"role": "system", "content": [{"type": "text", "text": "Represent the user's input."}]},
             {"role": "user", "content": [part]}]]
    prompt = processor.apply_chat_template(conv, add_generation_prompt=True, tokenize=False)
    images = qwen_vl_utils.process_vision_info(conv, image_patch_size=16)[0] if image is not None else None
    inputs = processor(text=prompt, images=images, videos=None, truncation=True, max_length=8192, padding=True,
                       do_resize=False, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**inputs).last_hidden_state
    return torch.nn.functional.normalize(hidden[:, -1].float(), dim=-1)[0].numpy()


def test_nanovdr_student_and_teacher(nanovdr, qwen3vl_dir: Path, family_images: ImageColumn,  # noqa: ANN001
                                     family_texts: list[str]) -> None:
    from sentence_transformers import SentenceTransformer
    from transformers import Qwen3VLModel, Qwen3VLProcessor

    encoder, student = nanovdr
    emb = Embedder(encoder, batch_size=3, num_workers=0)
    q = emb.texts(family_texts, prompt_type="query")
    assert encoder._teacher is None  # queries never load the teacher
    np.testing.assert_allclose(q, SentenceTransformer(str(student), device="cpu").encode(family_texts), atol=1e-5)
    teacher = Qwen3VLModel.from_pretrained(qwen3vl_dir, dtype=torch.float32).eval()
    processor = Qwen3VLProcessor.from_pretrained(qwen3vl_dir, padding_side="right")
    d = emb.images(family_images, prompt_type="document")
    t = emb.texts(family_texts[:3] + [""], prompt_type="document")
    for i in range(len(family_images)):
        np.testing.assert_allclose(d[i], nanovdr_teacher_reference(teacher, processor,
                                                                   image=decode(family_images.raw(i))), atol=1e-5)
    for i, text in enumerate(family_texts[:3] + [""]):
        np.testing.assert_allclose(t[i], nanovdr_teacher_reference(teacher, processor, text=text), atol=1e-5)
    with pytest.raises(ModalityError, match="text queries only"):
        encoder.encode_images([decode(family_images.raw(0))], EncodeContext(task_name="T", prompt_type="query"))
    d_again = Embedder(encoder, batch_size=7, num_workers=0).images(family_images, prompt_type="document")
    np.testing.assert_allclose(d_again, d, atol=1e-5)  # batch invariance of the teacher path
