"""e5-omni (3B, 7B): sentence-transformers models on Qwen2.5-Omni thinkers, called as the reference does
(mteb `e5_omni_models.py`): the generic sentence-transformers call (`st_multimodal`), with text truncated at
512 tokens for text-only inputs and not at all for inputs with an image (where truncation would cut image
tokens). Needs the `mllm` extra; the checkpoint's code runs only with trust_remote_code.
"""

from __future__ import annotations

from typing import Any

from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options
from mieb.models.wrappers.st_multimodal import SentenceTransformerEncoder

TEXT_ONLY_TRUNCATION = {"truncation": True, "max_length": 512}


class E5OmniEncoder(SentenceTransformerEncoder):
    def configure(self, text_only: bool) -> None:
        self.model[0].processing_kwargs["text"] = dict(TEXT_ONLY_TRUNCATION) if text_only else {}


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> E5OmniEncoder:
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    check_no_options(meta, kwargs)
    return E5OmniEncoder(meta, device=device, precision=precision)
