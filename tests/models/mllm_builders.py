"""Tiny randomly initialised multimodal-LLM checkpoints (Qwen2.5-Omni, Qwen2-VL, Qwen3-VL, a Phi-3.5-V stand-in)
and sentence-transformers models around them, built from configs and saved like the real checkpoints, so
the MLLM embedders' real loading paths run offline. None of these is a trained model. They need
torchvision (transformers 5's Qwen processors build a video processor), hence the `extras` environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch


def offline_hub(monkeypatch: pytest.MonkeyPatch, root: Path, repos: dict[str, tuple[str, Path]]) -> None:
    """Serve local folders as Hub repositories: each `name: (revision, folder)` is copied into a Hugging Face
    cache under `root` (`models--org--name/snapshots/<revision>/`, as a download leaves it) and the Hub is
    switched off, so `from_pretrained(name, revision=...)` and sentence-transformers load the folder exactly
    as they load the real checkpoint at that revision on a machine that downloaded it."""
    import huggingface_hub.constants as hub

    for name, (revision, folder) in repos.items():
        repo = root / f"models--{name.replace('/', '--')}"
        shutil.copytree(folder, repo / "snapshots" / revision, dirs_exist_ok=True)
        (repo / "refs").mkdir(exist_ok=True)
    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(root))
    monkeypatch.setattr(hub, "HF_HUB_OFFLINE", True)


OMNI_SPECIAL = {"image_token": "<|IMAGE|>", "audio_token": "<|AUDIO|>", "video_token": "<|VIDEO|>",
                "vision_bos_token": "<|vision_bos|>", "vision_eos_token": "<|vision_eos|>",
                "audio_bos_token": "<|audio_bos|>", "audio_eos_token": "<|audio_eos|>"}
OMNI_SYSTEM = "You are a tiny omni model."
# Qwen2.5-Omni's chat-template layout (a default system turn, one <|vision_bos|><|IMAGE|><|vision_eos|> per
# image, text parts verbatim), with a shorter system text.
OMNI_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\n"
    + OMNI_SYSTEM + "<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}"
    "{{ message['content'] }}{% else %}{% for c in message['content'] %}{% if c['type'] == 'image' %}"
    "<|vision_bos|><|IMAGE|><|vision_eos|>{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}"
    "{% endif %}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_omni_tokenizer():  # noqa: ANN201 - a transformers PreTrainedTokenizerFast
    """Byte-level, no merges (one token per byte), with Qwen2.5-Omni's special tokens, which its processor
    reads from the tokenizer (`image_token`, `vision_bos_token`, ...)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<|endoftext|>", "<|im_start|>", "<|im_end|>", *OMNI_SPECIAL.values()])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<|endoftext|>", eos_token="<|im_end|>",
                                   extra_special_tokens=OMNI_SPECIAL)


def make_tiny_qwen_omni(folder: Path, *, seed: int = 0) -> Path:
    """A Qwen2.5-Omni thinker (vision tower with window attention, audio tower, M-RoPE text model) and its
    processor (Qwen2-VL image processor at Qwen2.5-Omni's pixel bounds, Whisper features, the chat template
    above), saved like LCO-Embedding-Omni's checkpoints. Needs torchvision (the processor's video part)."""
    from transformers import (
        Qwen2_5OmniProcessor,
        Qwen2_5OmniThinkerConfig,
        Qwen2_5OmniThinkerForConditionalGeneration,
        Qwen2VLImageProcessorPil,
        Qwen2VLVideoProcessor,
        WhisperFeatureExtractor,
    )

    tok = tiny_omni_tokenizer()
    ids = {k: tok.convert_tokens_to_ids(v) for k, v in OMNI_SPECIAL.items()}
    cfg = Qwen2_5OmniThinkerConfig(
        vision_config={"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "patch_size": 14,
                       "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 32,
                       "fullatt_block_indexes": [1], "window_size": 112},
        audio_config={"d_model": 32, "encoder_attention_heads": 2, "encoder_ffn_dim": 32, "encoder_layers": 1,
                      "num_mel_bins": 128, "output_dim": 32, "n_window": 100},
        text_config={"vocab_size": len(tok), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                     "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 4096,
                     "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]}},
        image_token_index=ids["image_token"], video_token_index=ids["video_token"],
        audio_token_index=ids["audio_token"], vision_start_token_id=ids["vision_bos_token"],
        vision_end_token_id=ids["vision_eos_token"], audio_start_token_id=ids["audio_bos_token"],
        audio_end_token_id=ids["audio_eos_token"],
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    Qwen2_5OmniThinkerForConditionalGeneration(cfg).save_pretrained(folder)
    image_processor = Qwen2VLImageProcessorPil(size={"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280})
    Qwen2_5OmniProcessor(image_processor=image_processor, video_processor=Qwen2VLVideoProcessor(),
                         feature_extractor=WhisperFeatureExtractor(feature_size=128), tokenizer=tok,
                         chat_template=OMNI_CHAT_TEMPLATE).save_pretrained(folder)
    return folder
