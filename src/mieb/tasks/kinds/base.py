"""The seam every evaluation protocol implements: load one (split, subset), then score it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from mieb.runner.embedder import Embedder
    from mieb.tasks.metadata import KindSettings
    from mieb.tasks.task import Task


class TaskKind(ABC):
    """One evaluation protocol: e.g. zero-shot classification, any-to-any retrieval.

    `load` reads what one split and subset needs (no encoding); `evaluate` embeds through the
    framework's `Embedder` (which owns batching, decoding, precision and caching) and returns the
    score dict of that split and subset, with the protocol's full set of metrics.
    """

    name: ClassVar[str]
    settings_cls: ClassVar[type[KindSettings]]

    @abstractmethod
    def load(self, task: Task, split: str, subset: str) -> Any: ...

    @abstractmethod
    def evaluate(self, task: Task, data: Any, embedder: Embedder) -> dict[str, Any]: ...

    def needed_modalities(self, task: Task) -> tuple[list[str], list[str]]:
        """(query side, document side) modalities. Non-retrieval protocols use the task's modalities
        on one side, so a model must have all of them."""
        return list(task.metadata.modalities), []


def single_vectors(embeddings: Any, task: Task, embedder: Embedder) -> Any:
    """The (N, d) array a protocol scores with sklearn or cosine; a multi-vector model's padded token
    sets (ColPali-style, MaxSim) have no such form, which is said plainly instead of failing deep inside."""
    from mieb.errors import ModelOutputError
    from mieb.models.encoder import MultiVector

    if isinstance(embeddings, MultiVector):
        raise ModelOutputError(embedder.meta.name, task.name,
                               f"the {task.kind.name} protocol needs one vector per input; this multi-vector "
                               "(MaxSim) model only runs retrieval-style tasks")
    return embeddings



def as_wrapper_output(embeddings: Any) -> Any:
    """(N, d) embeddings as the reference's wrappers return them: a torch tensor (sharing memory).

    Protocols hand this, not a numpy array, to scikit-learn, so that scikit-learn converts exactly what it
    converts in the reference, whatever its version. The conversions differ by call: LogisticRegression.fit
    and MiniBatchKMeans.fit validate with a list of float dtypes, cannot read a tensor's dtype and take the
    first, so the reference fits them in float64; kNN and the paired distances keep float32. Fitting the
    probe on a float32 array instead gives other numbers (issue 11: 0.14362 where the reference has 0.14404).
    """
    import numpy as np
    import torch

    return torch.from_numpy(np.ascontiguousarray(embeddings))
