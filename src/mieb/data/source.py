"""What loading needs to know about a task's data: the pinned dataset, and the task's name for errors.

`DatasetRef` is the `dataset` field of `TaskMetadata`; loaders accept anything shaped like a
`DatasetSource` (a `TaskMetadata` is one), so `mieb.data` never imports `mieb.tasks`.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, field_validator

from mieb.paths import safe_component


class DatasetRef(BaseModel):
    """Where the data lives: a Hugging Face dataset pinned to a revision.

    Fields:
        path: the Hub dataset id ("mteb/cifar10"), or a local folder in the same layout.
        revision: the commit sha loaded (and written into results); for generated data, the generator's
            version.
        generator: set for a dataset mieb builds locally (the offline world's builder key): it is written
            once, in the same Hugging Face layout as a Hub dataset, then loaded by the same
            `datasets.load_dataset` call.
        gated: the Hub requires accepting terms and logging in (errors then say how).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    revision: str
    generator: str | None = None
    gated: bool = False

    @field_validator("revision")
    @classmethod
    def _revision_is_a_folder_name(cls, v: str) -> str:
        # It names folders: the Hugging Face cache's refs/<revision>, an offline build's <key>/<version>.
        return safe_component(v, "dataset revision")


class DatasetSource(Protocol):
    """A named user of a dataset (a task's metadata): `name` goes into error messages."""

    @property
    def name(self) -> str: ...

    @property
    def dataset(self) -> DatasetRef: ...
