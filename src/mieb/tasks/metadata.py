"""Task metadata: what a task is, as validated data.

A task is a `TaskMetadata` instance whose `settings` block names the evaluation protocol ("kind")
and carries the few protocol-specific fields (columns, templates, sampling). Adding a dataset of an
existing type is therefore a few lines of data in `mieb/tasks/catalog/`, not a new class.

This module imports only pydantic: listing or filtering tasks never imports torch.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_validator

from mieb.data.source import DatasetRef
from mieb.paths import safe_component

TaskType = Literal[
    "Any2AnyRetrieval",
    "Any2AnyMultilingualRetrieval",
    "DocumentUnderstanding",
    "VisionCentricQA",
    "ImageClustering",
    "ImageClassification",
    "VisualSTS(eng)",
    "VisualSTS(multi)",
    "ZeroShotClassification",
    "Compositionality",
]
TASK_TYPES: tuple[str, ...] = get_args(TaskType)

TaskCategory = Literal["t2t", "t2c", "i2i", "i2c", "i2t", "t2i", "it2t", "it2i", "i2it", "t2it", "it2it"]
TASK_CATEGORIES: tuple[str, ...] = get_args(TaskCategory)
Modality = Literal["image", "text"]

# Which evaluation protocols ("kinds") may implement each MIEB type string. The type string is what the
# leaderboard groups by; the kind is what actually runs (VOC2007 is an ImageClassification task scored
# by the multilabel protocol, the VisualSTS aggregates average another task's subsets, ...).
TYPE_KINDS: dict[str, frozenset[str]] = {
    "ImageClassification": frozenset({"linear_probe", "multilabel"}),
    "ImageClustering": frozenset({"clustering"}),
    "ZeroShotClassification": frozenset({"zeroshot"}),
    "VisionCentricQA": frozenset({"multiple_choice"}),
    "Compositionality": frozenset({"compositionality"}),
    "VisualSTS(eng)": frozenset({"sts", "aggregate"}),
    "VisualSTS(multi)": frozenset({"sts", "aggregate"}),
    "Any2AnyRetrieval": frozenset({"retrieval"}),
    "DocumentUnderstanding": frozenset({"retrieval"}),
    "Any2AnyMultilingualRetrieval": frozenset({"retrieval"}),
}

_LANG_RE = re.compile(r"^[a-z]{2,3}-[A-Z][a-z]{3}$")


class KindSettings(BaseModel):
    """Base of every protocol-specific settings block; each kind module subclasses it with a
    `kind: Literal["<name>"]` field (the protocol's name) and its options, each with a default where the
    reference has one."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: str


class SplitStats(BaseModel):
    """Size of one split as the reference's descriptive statistics report it: rows (`n_samples`), images
    and texts embedded, distinct labels, and for retrieval the numbers of queries and documents."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    n_samples: int
    n_images: int | None = None
    n_texts: int | None = None
    n_labels: int | None = None
    n_queries: int | None = None
    n_documents: int | None = None


class TaskMetadata(BaseModel):
    """What a task is, as validated, immutable data (mteb's `TaskMetadata`, with the protocol's options in
    `settings`). Recipe: docs/contributing.md.

    Fields:
        name: unique task name, no spaces or "/" (it names the result file `<name>.json`).
        description: one or two sentences on what is evaluated.
        type: the MIEB task type the leaderboard groups by (`TaskType`); `TYPE_KINDS` says which kinds
            may run it.
        category: "<query side>2<document side>" with i = image, t = text, c = class labels ("it2t":
            image+text queries, text documents). Retrieval embeds each side with its modalities.
        modalities: what the model must encode; for zero-shot tasks the ORDER also picks the scoring
            path (docs/protocol.md, quirk 4).
        dataset: the pinned dataset (`DatasetRef`: Hugging Face id or local folder, commit sha).
        eval_splits: the dataset splits scored, each reported separately.
        eval_langs: ISO 639-3 + script codes ("eng-Latn"): a list for a single-subset task, or
            {hf_subset: languages} for a multilingual one (the subsets are the dict's keys).
        main_score: the metric key reported as `main_score` (must be in the protocol's score dict).
        settings: the kind-specific block (a `KindSettings` subclass; its `kind` names the protocol).
        license, reference, bibtex_citation: the dataset's, as the reference cites it.
        prompt: instructions by prompt type ({"query": ...}) for instruction-aware models.
        protocol_version: bumped when the kind's scoring of this task changes; written into results.
        stats: per split sizes (`SplitStats`, from the reference's descriptive statistics), for
            `mieb list tasks --stats`; never used for scoring.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str
    type: TaskType
    category: TaskCategory
    modalities: list[Modality] = Field(min_length=1)
    dataset: DatasetRef
    eval_splits: list[str] = Field(min_length=1)
    eval_langs: list[str] | dict[str, list[str]]
    main_score: str
    settings: SerializeAsAny[KindSettings]
    license: str | None = None
    reference: str | None = None
    bibtex_citation: str | None = None
    prompt: dict[str, str] | None = None
    protocol_version: str = "1"
    stats: dict[str, SplitStats] | None = None

    DEFAULT_SUBSET: ClassVar[str] = "default"

    @field_validator("settings", mode="before")
    @classmethod
    def _settings_from_mapping(cls, v: Any) -> Any:
        """A plain mapping (from YAML or JSON) becomes the settings class of its `kind`."""
        if not isinstance(v, dict):
            return v
        from mieb.tasks.kinds import get_kind

        kind = v.get("kind")
        try:
            settings_cls = get_kind(kind).settings_cls if isinstance(kind, str) else None
        except NotImplementedError:
            settings_cls = None
        if settings_cls is None:
            from mieb.tasks.kinds import KINDS

            raise ValueError(f"settings need a 'kind', one of {sorted(KINDS)}; got {kind!r}")
        return settings_cls.model_validate(v)

    @field_validator("name")
    @classmethod
    def _name_is_identifier_like(cls, v: str) -> str:
        if not v or any(c.isspace() for c in v) or "/" in v:
            raise ValueError(f"task name {v!r} must be non-empty, without spaces or '/'")
        return safe_component(v, "task name")  # it names the task's result file

    @field_validator("eval_langs")
    @classmethod
    def _check_langs(cls, v: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
        groups = v.values() if isinstance(v, dict) else [v]
        for langs in groups:
            if not langs:
                raise ValueError("every subset needs at least one language")
            for code in langs:
                if not _LANG_RE.match(code):
                    raise ValueError(f"language code {code!r} is not of the form 'eng-Latn'")
        return v

    @model_validator(mode="after")
    def _check_kind(self) -> TaskMetadata:
        allowed = TYPE_KINDS[self.type]
        if self.settings.kind not in allowed:
            raise ValueError(
                f"task {self.name}: type {self.type} is evaluated by {sorted(allowed)}, "
                f"not by settings of kind {self.settings.kind!r}"
            )
        if self.settings.__class__ is KindSettings:
            raise ValueError(f"task {self.name}: settings must be a kind-specific settings block")
        return self

    @property
    def hf_subsets(self) -> list[str]:
        return list(self.eval_langs) if isinstance(self.eval_langs, dict) else [self.DEFAULT_SUBSET]

    def subset_languages(self, subset: str) -> list[str]:
        if isinstance(self.eval_langs, dict):
            return list(self.eval_langs[subset])
        return list(self.eval_langs)

    @property
    def languages(self) -> list[str]:
        """ISO 639-3 codes (without script) covered by the task, in first-seen order."""
        seen: dict[str, None] = {}
        groups = self.eval_langs.values() if isinstance(self.eval_langs, dict) else [self.eval_langs]
        for langs in groups:
            for code in langs:
                seen.setdefault(code.split("-")[0], None)
        return list(seen)

    @property
    def query_modalities(self) -> list[str]:
        return _side_modalities(self.category.split("2")[0])

    @property
    def document_modalities(self) -> list[str]:
        return _side_modalities(self.category.split("2")[1])

    def summary(self) -> dict[str, Any]:
        """The fields that change a score, written into every result."""
        return {
            "task_name": self.name,
            "task_type": self.type,
            "category": self.category,
            "kind": self.settings.kind,
            "protocol_version": self.protocol_version,
            "dataset_path": self.dataset.path,
            "dataset_revision": self.dataset.revision,
            "main_score": self.main_score,
            "settings": self.settings.model_dump(mode="json"),
        }


def _side_modalities(side: str) -> list[str]:
    """'it' -> ['image', 'text'] (the order the reference uses for fused inputs); 'c' (class) -> []."""
    out = []
    if "i" in side:
        out.append("image")
    if "t" in side:
        out.append("text")
    return out
