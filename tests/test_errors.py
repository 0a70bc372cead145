"""mieb's errors cross process boundaries (Ray workers, decode workers) as themselves."""

from __future__ import annotations

import pickle

import pytest

from mieb.errors import (
    MiebError,
    MissingDependencyError,
    ModalityError,
    ModelOutputError,
    TaskDataError,
    UnknownNameError,
)
from mieb.paths import UnsafeNameError
from mieb.runner.run import ModelLoadError

EXAMPLES = [
    TaskDataError("CIFAR10", "unreadable image", split="test", column="img", row=7),
    ModelOutputError("openai/clip-vit-base-patch32", "CIFAR10", "NaN in 3 rows"),
    UnknownNameError("task", "CIFAR1O", ["CIFAR10", "CIFAR100"]),
    MissingDependencyError("open_clip_torch", "openclip", "open_clip models"),
    UnsafeNameError("revision must not contain '/'"),
    ModalityError("model x cannot encode text"),
    ModelLoadError("model x could not be loaded"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_error_survives_pickling_with_its_message_and_fields(error: MiebError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)
    assert isinstance(back, MiebError)
