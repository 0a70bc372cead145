"""Text embedding models through `sentence-transformers` (the `sentence-transformers` extra): the text baselines
the reference runs on MIEB's text-only tasks (multilingual-e5, static and model2vec embeddings, F2LLM).

As the reference (mteb 2.26.24 `SentenceTransformerEncoderWrapper` and `InstructSentenceTransformerModel`):
`SentenceTransformer(name, revision=...)`, texts encoded with `encode_query` / `encode_document` by prompt type
(`encode` without one) and a prompt string chosen per task:

- `model_prompts` (prompt strings keyed as mteb keys them): the first present of "<task name>-<prompt type>",
  "<task name>", "<task type>-<prompt type>", "<task type>", "<prompt type>"; without card prompts the
  checkpoint's own (`SentenceTransformer.prompts`).
- `instruction_template` + `prompts_dict` (instruction models): the instruction is the first present of
  prompts_dict[task name], prompts_dict[task type], prompts_dict[prompt type], then the task's own prompt
  for that side; a non-empty one is formatted into the template; documents get none when
  `apply_instruction_to_passages` is False.

Scores use the model's own `similarity` (cosine for all these cards), so the card says "cosine".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from mieb.models.encoder import EncodeContext, Encoder
from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, require, resolve_weights


def prompt_by_priority(prompts: dict[str, str] | None, ctx: EncodeContext) -> str | None:
    """mteb's `get_prompt_name` order: task name + prompt type, task name, task type + prompt type, task type,
    prompt type; the first key present wins. Returns the prompt string, or None."""
    if not prompts:
        return None
    keys = []
    for base in (ctx.task_name, ctx.task_type):
        if base:
            if ctx.prompt_type:
                keys.append(f"{base}-{ctx.prompt_type}")
            keys.append(base)
    if ctx.prompt_type:
        keys.append(ctx.prompt_type)
    return next((prompts[k] for k in keys if k in prompts), None)


def instruction_by_priority(prompts: dict[str, str] | None, ctx: EncodeContext) -> str:
    """mteb's `AbsEncoder.get_instruction` (default priority): prompts_dict[task name], [task type],
    [prompt type], then the task's own prompt for this side (`ctx.instruction`); "" when none."""
    for key in (ctx.task_name, ctx.task_type, ctx.prompt_type):
        if prompts and key and key in prompts:
            return prompts[key]
    return ctx.instruction or ""


class SentenceTransformerEncoder(Encoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 model_prompts: dict[str, str] | None = None, instruction_template: str | None = None,
                 prompts_dict: dict[str, str] | None = None, apply_instruction_to_passages: bool = True,
                 add_eos_token: bool = False, max_seq_length: int | None = None, run_on: str | None = None):
        super().__init__(meta, run_on or device, precision)
        st = require("sentence_transformers", meta.extra, f"model {meta.name}")
        if instruction_template is not None and "{instruction}" not in instruction_template:
            raise ValueError(f"instruction_template must contain '{{instruction}}', got {instruction_template!r}")
        source, revision = resolve_weights(meta)
        tokenizer_kwargs: dict[str, Any] = {}
        if add_eos_token:
            tokenizer_kwargs["add_eos_token"] = True
        if max_seq_length is not None:
            tokenizer_kwargs["model_max_length"] = max_seq_length
        # Half-precision weights where the card's precision says so (F2LLM: bf16, as the reference loads it).
        model_kwargs = {"torch_dtype": self.weights_dtype} if self.weights_dtype != torch.float32 else {}
        self.model = st.SentenceTransformer(source, revision=revision, device=str(self.device),
                                            tokenizer_kwargs=tokenizer_kwargs or None,
                                            model_kwargs=model_kwargs or None,
                                            trust_remote_code=meta.trust_remote_code)
        if max_seq_length is not None:
            self.model.max_seq_length = max_seq_length
        if model_prompts:  # the card's prompts replace the checkpoint's, as in the reference
            self.model.prompts = dict(model_prompts)
        self.model_prompts = {k: v for k, v in (self.model.prompts or {}).items() if v is not None}
        self.instruction_template, self.prompts_dict = instruction_template, prompts_dict
        self.apply_instruction_to_passages = apply_instruction_to_passages

    def prompt(self, ctx: EncodeContext) -> str | None:
        """The prompt string prepended to this context's texts (None: no prompt)."""
        if self.instruction_template is None:
            return prompt_by_priority(self.model_prompts, ctx)
        if ctx.prompt_type == "document" and not self.apply_instruction_to_passages:
            return None
        instruction = instruction_by_priority(self.prompts_dict, ctx)
        return self.instruction_template.format(instruction=instruction) if instruction else None

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> torch.Tensor:
        encode = {"query": self.model.encode_query, "document": self.model.encode_document}.get(
            ctx.prompt_type or "", self.model.encode)
        out = encode(list(texts), prompt=self.prompt(ctx), batch_size=max(1, len(texts)),
                     convert_to_tensor=True, show_progress_bar=False)
        return out.float()


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> SentenceTransformerEncoder:
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("model_prompts", "instruction_template", "prompts_dict",
                                     "apply_instruction_to_passages", "add_eos_token", "max_seq_length",
                                     "run_on"))
    if kwargs:
        meta = meta.model_copy(update={"loader_kwargs": options})
    return SentenceTransformerEncoder(meta, device=device, precision=precision, **options)
