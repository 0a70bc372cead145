"""Task instructions as the reference resolves them, for wrappers of instruction-following models.

Facts from mteb 2.26.24: `AbsEncoder.get_instruction` (no model-specific prompt table) returns the task's
own prompt for the side being encoded ("" when the task defines prompts but none for that side), else the
`abstask_prompt` of the task's abstract class; `TaskMetadata.simplified_task_type` groups task types.
"""

from __future__ import annotations

from mieb.models.encoder import EncodeContext

_RETRIEVAL = "Retrieve text based on user query."
# `abstask_prompt` of the abstract task class each MIEB task type is built on (AbsTaskRetrieval,
# AbsTaskClassification, AbsTaskClusteringLegacy, AbsTaskImageTextPairClassification, AbsTaskSTS,
# AbsTaskZeroShotClassification).
ABSTASK_PROMPTS: dict[str, str] = {
    "Any2AnyRetrieval": _RETRIEVAL,
    "Any2AnyMultilingualRetrieval": _RETRIEVAL,
    "DocumentUnderstanding": _RETRIEVAL,
    "VisionCentricQA": _RETRIEVAL,
    "ImageClassification": "Classify user passages.",
    "ImageClustering": "Identify categories in user passages.",
    "Compositionality": "Identify the caption that matches the given image.",
    "VisualSTS(eng)": "Retrieve semantically similar text.",
    "VisualSTS(multi)": "Retrieve semantically similar text.",
    "ZeroShotClassification": "Classify the given input into one of the candidate labels.",
}

SIMPLIFIED_TASK_TYPES: dict[str, str] = {
    "Any2AnyRetrieval": "retrieval",
    "Any2AnyMultilingualRetrieval": "retrieval",
    "DocumentUnderstanding": "retrieval",
    "VisionCentricQA": "retrieval",
    "ImageClassification": "classification",
    "ZeroShotClassification": "classification",
    "ImageClustering": "clustering",
    "Compositionality": "pair-classification",
    "VisualSTS(eng)": "semantic-similarity",
    "VisualSTS(multi)": "semantic-similarity",
}


def task_instruction(ctx: EncodeContext) -> str:
    """The reference's default instruction for `ctx`'s task and side (possibly "").

    One case differs by construction: inputs encoded with no prompt type in a task that defines prompts get
    the abstract class's prompt here, where the reference would hand over the task's prompt dict itself;
    no MIEB task encodes such inputs (tasks with prompts are retrieval tasks, whose sides are typed).
    """
    if ctx.instruction is not None:
        return ctx.instruction
    return ABSTASK_PROMPTS.get(ctx.task_type or "", "")
