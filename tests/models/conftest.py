"""Shared fixtures of the model-family tests: a few odd-sized noisy images and varied texts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from datasets import Dataset, Features, Image

sys.path.insert(0, str(Path(__file__).parent))

from helpers import solid_image  # noqa: E402

from mieb.data.images import ImageColumn  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_intra_op_thread() -> Iterator[None]:
    """The tiny models' matrices are too small to split across threads: the hand-off costs more than it
    saves, and on a busy machine a second thread waiting for a core makes every op many times slower.
    Restored after each module, so other tests keep the default."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def family_images() -> ImageColumn:
    raws = [{"bytes": solid_image((i * 23 % 255, 90 + i * 7, 200 - i * 11), size=(30 + 3 * i, 52 - 2 * i),
                                  noise=40, seed=i), "path": None} for i in range(7)]
    ds = Dataset.from_dict({"image": raws}, features=Features({"image": Image()}))
    return ImageColumn(ds, "image")


@pytest.fixture(scope="session")
def family_texts() -> list[str]:
    return ["a red square", "a photo of a dog.", "x", "a much longer caption with many words in it, and more",
            "two blue circles", "Hello World!", "yellow"]
