"""Tevatron OmniEmbed: a LoRA adapter (sentence-transformers layout) on Tevatron/Qwen2.5-Omni-7B-Thinker,
called as the reference does (mteb `tevatron_omni_embed_models.py`).

The adapter's `adapter_config.json` names its base without a revision, and sentence-transformers does not
pass one on, so (as the reference) the adapter is loaded from a local view of its snapshot whose config
points at the base's snapshot at `base_revision`. Text-only inputs are truncated at 512 tokens, inputs with
an image not at all (sequence cap 32768). Needs the `mllm` extra (peft loads the adapter).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from mieb.models.meta import ModelMeta
from mieb.models.wrappers._common import check_no_options, resolve_weights
from mieb.models.wrappers.e5_omni import TEXT_ONLY_TRUNCATION
from mieb.models.wrappers.st_multimodal import SentenceTransformerEncoder


def adapter_with_pinned_base(adapter: str, revision: str | None, base_revision: str) -> str:
    """A temporary folder mirroring the adapter's snapshot (symlinks) whose adapter_config.json names the
    base model's snapshot at `base_revision` (a local folder) instead of its bare hub id."""
    from huggingface_hub import snapshot_download

    snapshot = Path(adapter) if Path(adapter).is_dir() else Path(snapshot_download(adapter, revision=revision))
    config = json.loads((snapshot / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = snapshot_download(config["base_model_name_or_path"], revision=base_revision)
    view = Path(tempfile.mkdtemp(prefix=f"mieb_{adapter.replace('/', '__')}_"))
    for entry in snapshot.iterdir():
        if entry.name != "adapter_config.json":
            (view / entry.name).symlink_to(entry.resolve())
    (view / "adapter_config.json").write_text(json.dumps(config, indent=2))
    return str(view)


class OmniEmbedEncoder(SentenceTransformerEncoder):
    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
                 base_revision: str):
        self.base_revision = base_revision
        super().__init__(meta, device, precision)

    def source(self) -> tuple[str, str | None]:
        adapter, revision = resolve_weights(self.meta)
        return adapter_with_pinned_base(adapter, revision, self.base_revision), None

    def configure(self, text_only: bool) -> None:
        self.model[0].processing_kwargs["text"] = dict(TEXT_ONLY_TRUNCATION) if text_only else {}
        self.model.max_seq_length = 512 if text_only else 32768


def load(meta: ModelMeta, device: str | None = None, precision: str | None = None, *,
         trust_remote_code: bool = False, **kwargs: Any) -> OmniEmbedEncoder:
    assert trust_remote_code or not meta.trust_remote_code, "get_model refuses remote code without consent"
    options = {**meta.loader_kwargs, **kwargs}
    check_no_options(meta, options, ("base_revision",))
    return OmniEmbedEncoder(meta, device=device, precision=precision, **options)
