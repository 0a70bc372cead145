"""NanoVDR (asymmetric, single vector, cosine): text queries through a small sentence-transformers student,
documents through the frozen Qwen3-VL-Embedding-2B teacher it was distilled from (the `nanovdr` extra:
sentence-transformers, qwen-vl-utils, torchvision).

As the reference (mteb `NanoVDRWrapper`): queries (and every input that is not a retrieval document) are
`SentenceTransformer(name, revision).encode(texts)`; images on the query side are refused. Documents are one
conversation each with the system turn "Represent the user's input." and a user turn holding the page image
(4 x 32 x 32 to 1800 x 32 x 32 pixels, resized by qwen-vl-utils on Qwen3-VL's 16 px patches) or, without
one, the text ("NULL" when empty), Qwen's chat template with the generation prompt, the processor padding
on the right (up to 8192 tokens, no second resize); the embedding is the teacher's last hidden state at the
last attended token, L2-normalised. Image+text documents use the image alone, as the reference does. The
reference loads the teacher without a revision (the hub's latest) in the checkpoint's dtype ("auto"); mieb
pins the revision of the reference's own Qwen3-VL-Embedding-2B card (docs/deviations.md D19).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.errors import ModalityError
from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import (
    check_no_options,
    dtype_kwarg,
    require,
    resolve_weights,
    to_device_inputs,
)
from mieb.models.wrappers.eager_embed import last_attended

SYSTEM_PROMPT = "Represent the user's input."


class NanoVDREncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 teacher: str, teacher_revision: str | None, teacher_dtype: str = "auto",
                 min_pixels: int = 4 * 32 * 32, max_pixels: int = 1800 * 32 * 32, max_length: int = 8192):
        super().__init__(meta, device, precision)
        st = require("sentence_transformers", meta.extra, f"model {meta.name}")
        self.vision = require("qwen_vl_utils", meta.extra, f"model {meta.name}")
        source, revision = resolve_weights(meta)
        self.student = st.SentenceTransformer(source, revision=revision, device=str(self.device))
        self.teacher_source, self.teacher_revision, self.teacher_dtype = teacher, teacher_revision, teacher_dtype
        self.min_pixels, self.max_pixels, self.max_length = min_pixels, max_pixels, max_length
        self._teacher: tuple[Any, Any] | None = None

    def _load_teacher(self) -> tuple[Any, Any]:
        """The teacher is loaded at the first document (query-only runs never need it)."""
        if self._teacher is None:
            from transformers import Qwen3VLModel, Qwen3VLProcessor

            dtype = self.teacher_dtype if self.teacher_dtype == "auto" else getattr(torch, self.teacher_dtype)
            model = Qwen3VLModel.from_pretrained(self.teacher_source, revision=self.teacher_revision,
                                                 **dtype_kwarg(dtype)).eval().to(self.device)
            processor = Qwen3VLProcessor.from_pretrained(self.teacher_source, revision=self.teacher_revision,
                                                         padding_side="right")
            self._teacher = (model, processor)
        return self._teacher

    def _documents(self, texts: Sequence[str] | None, images: Sequence[Any] | None) -> torch.Tensor:
        model, processor = self._load_teacher()
        n = len(images) if images is not None else len(texts or [])
        conversations = []
        for i in range(n):
            if images is not None:
                content = [{"type": "image", "image": images[i], "min_pixels": self.min_pixels,
                            "max_pixels": self.max_pixels}]
            else:
                content = [{"type": "text", "text": (texts or [])[i] or "NULL"}]
            conversations.append([{"role": "system", "content": [{"type": "text", "text": SYSTEM_PROMPT}]},
                                  {"role": "user", "content": content}])
        prompts = processor.apply_chat_template(conversations, add_generation_prompt=True, tokenize=False)
        vision = (self.vision.process_vision_info(conversations, image_patch_size=16)[0]
                  if images is not None else None)
        inputs = to_device_inputs(processor(text=prompts, images=vision, videos=None, truncation=True,
                                            max_length=self.max_length, padding=True, do_resize=False,
                                            return_tensors="pt"), self.device)
        for module in model.modules():  # Qwen caches rope offsets across calls; the reference clears them
            if getattr(module, "rope_deltas", None) is not None:
                module.rope_deltas = None
        hidden = model(**inputs).last_hidden_state
        pooled = last_attended(hidden, inputs["attention_mask"]).float()
        return torch.nn.functional.normalize(pooled, p=2, dim=-1)

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        if ctx.prompt_type == "document":
            return self._documents(texts, None)
        return self.student.encode(list(texts), convert_to_tensor=True, batch_size=max(1, len(texts)),
                                   show_progress_bar=False).float()

    def encode_images(self, images: Sequence[Any], ctx: EncodeContext) -> torch.Tensor:
        if ctx.prompt_type != "document":
            raise ModalityError(f"model {self.name} encodes text queries only, but task {ctx.task_name} gives "
                                "images on the query side (as the reference, it is a text-to-page retriever)")
        return self._documents(None, images)

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        return self.encode_images(images, ctx)


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, **kwargs: Any) -> NanoVDREncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("teacher", "teacher_revision", "teacher_dtype", "min_pixels", "max_pixels",
                                     "max_length"))
    if kwargs:
        meta = meta.model_copy(update={"loader_kwargs": options})
    return NanoVDREncoder(meta, device=device, precision=precision, **options)
