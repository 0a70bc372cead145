"""What the Embedder tells instruction-aware wrappers: the task's prompt for the side ("" when the task has
prompts but none for that side, None when it has none), and for image+text inputs whether the dataset holds
the text before the image (the reference keeps dataset column order for sentence-transformers models)."""

from __future__ import annotations

from datasets import Dataset

from mieb.cache.keys import fused_key
from mieb.models.encoder import EncodeContext
from mieb.runner.embedder import Embedder
from mieb.tasks.kinds.retrieval import text_before_image


def test_instruction_per_side() -> None:
    from fake_models import ColourOracle

    emb = Embedder(ColourOracle(), batch_size=4, num_workers=0)
    emb.start_task("T", "Any2AnyRetrieval", "t2i", {"query": "Find it."})
    assert emb.context("query").instruction == "Find it."
    assert emb.context("document").instruction == ""
    assert emb.context(None).instruction is None
    emb.start_task("U", "ImageClustering", "i2c")
    assert emb.context("query").instruction is None


def test_text_before_image_follows_the_dataset_columns() -> None:
    text_first = Dataset.from_dict({"id": ["a"], "text": ["x"], "image": [None]})
    image_first = Dataset.from_dict({"id": ["a"], "image": [None], "text": ["x"]})
    assert text_before_image(text_first, "query") and text_before_image(text_first, "document")
    assert not text_before_image(image_first, "query")
    # queries with instructions: the reference rebuilds their text column last
    with_instruction = text_first.add_column("instruction", ["do"])
    assert not text_before_image(with_instruction, "query") and text_before_image(with_instruction, "document")


def test_fused_keys_tell_the_orders_apart() -> None:
    ctx = EncodeContext(task_name="T", prompt_type="query")
    assert fused_key(b"h", "t", ctx) != fused_key(b"h", "t", ctx, text_first=True)
    assert fused_key(b"h", "t", None) == fused_key(b"h", "t", None, text_first=False)
