"""Tiny randomly initialised multimodal-LLM checkpoints (Qwen2.5-Omni, Qwen2-VL, Qwen3-VL, a Phi-3.5-V stand-in)
and sentence-transformers models around them, built from configs and saved like the real checkpoints, so
the MLLM embedders' real loading paths run offline. None of these is a trained model. They need
torchvision (transformers 5's Qwen processors build a video processor), hence the `extras` environment."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch


def offline_hub(monkeypatch: pytest.MonkeyPatch, root: Path, repos: dict[str, tuple[str, Path]]) -> None:
    """Serve local folders as Hub repositories: each `name: (revision, folder)` is copied into a Hugging Face
    cache under `root` (`models--org--name/snapshots/<commit>/`, plus `refs/<branch>` when the revision is a
    branch, as a download leaves it) and the Hub is
    switched off, so `from_pretrained(name, revision=...)` and sentence-transformers load the folder exactly
    as they load the real checkpoint at that revision on a machine that downloaded it."""
    import huggingface_hub.constants as hub

    for name, (revision, folder) in repos.items():
        repo = root / f"models--{name.replace('/', '--')}"
        commit = revision
        if not re.fullmatch(r"[0-9a-f]{40}", revision):  # a branch: refs/<branch> names its commit,
            # here a digest of the folder's code and configs (transformers caches remote code per commit)
            digest = hashlib.sha1(name.encode())
            for f in sorted(folder.glob("*.py")) + sorted(folder.glob("*.json")):
                digest.update(f.name.encode() + f.read_bytes())
            commit = digest.hexdigest()
            (repo / "refs").mkdir(parents=True, exist_ok=True)
            (repo / "refs" / revision).write_text(commit)
        shutil.copytree(folder, repo / "snapshots" / commit, dirs_exist_ok=True)
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


QWEN_VL_SYSTEM = "You are a tiny helpful assistant."
# Qwen2-VL's / Qwen3-VL's chat-template layout: a default system turn unless one is given, one
# <|vision_start|><|image_pad|><|vision_end|> per image, text parts verbatim, in the content's order.
QWEN_VL_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\n"
    + QWEN_VL_SYSTEM + "<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}"
    "{{ message['content'] }}{% else %}{% for c in message['content'] %}{% if c['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}"
    "{% endif %}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
QWEN_VL_SPECIAL = ["<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
                   "<|video_pad|>"]


def tiny_qwen_vl_tokenizer():  # noqa: ANN201 - a transformers PreTrainedTokenizerFast
    """Byte-level, no merges (one token per byte), with Qwen2-VL's / Qwen3-VL's special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<|endoftext|>", *QWEN_VL_SPECIAL])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<|endoftext|>", eos_token="<|im_end|>",
                                   extra_special_tokens={})


def make_tiny_qwen2_vl(folder: Path, *, seed: int = 0) -> Path:
    """Qwen2VLForConditionalGeneration + Qwen2VLProcessor (Qwen2-VL's pixel bounds, the chat template above),
    the layout of GME's checkpoints."""
    from transformers import (
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessorPil,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    tok = tiny_qwen_vl_tokenizer()
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN_VL_SPECIAL}
    cfg = Qwen2VLConfig(
        vision_config={"depth": 2, "embed_dim": 32, "hidden_size": 32, "mlp_ratio": 2, "num_heads": 2,
                       "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2},
        text_config={"vocab_size": len(tok), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                     "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 4096,
                     "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]},
                     "eos_token_id": ids["<|im_end|>"], "pad_token_id": tok.pad_token_id},
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    Qwen2VLForConditionalGeneration(cfg).save_pretrained(folder)
    image_processor = Qwen2VLImageProcessorPil(size={"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280})
    Qwen2VLProcessor(image_processor=image_processor, tokenizer=tok, video_processor=Qwen2VLVideoProcessor(),
                     chat_template=QWEN_VL_CHAT_TEMPLATE).save_pretrained(folder)
    return folder


def make_tiny_qwen3_vl(folder: Path, *, seed: int = 0) -> Path:
    """Qwen3VLForConditionalGeneration (16-px patches merged 2 x 2, deepstack features) + Qwen3VLProcessor
    with the chat template above."""
    from transformers import (
        Qwen2VLImageProcessorPil,
        Qwen3VLConfig,
        Qwen3VLForConditionalGeneration,
        Qwen3VLProcessor,
        Qwen3VLVideoProcessor,
    )

    tok = tiny_qwen_vl_tokenizer()
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN_VL_SPECIAL}
    cfg = Qwen3VLConfig(
        vision_config={"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "patch_size": 16,
                       "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 32,
                       "num_position_embeddings": 64, "deepstack_visual_indexes": [0]},
        text_config={"vocab_size": len(tok), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                     "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16,
                     "max_position_embeddings": 4096,
                     "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3],
                                         "mrope_interleaved": True},
                     "eos_token_id": ids["<|im_end|>"], "pad_token_id": tok.pad_token_id},
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    Qwen3VLForConditionalGeneration(cfg).save_pretrained(folder)
    image_processor = Qwen2VLImageProcessorPil(size={"shortest_edge": 64 * 64, "longest_edge": 32 * 32 * 1280},
                                               patch_size=16, merge_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3)
    Qwen3VLProcessor(image_processor=image_processor, tokenizer=tok, video_processor=Qwen3VLVideoProcessor(),
                     chat_template=QWEN_VL_CHAT_TEMPLATE).save_pretrained(folder)
    return folder


def make_tiny_st(folder: Path, backbone: Path, *, prompts: dict[str, str] | None = None,
                 routes: tuple[str, ...] = ()) -> Path:
    """A sentence-transformers model saved to `folder`: the multimodal Transformer module on `backbone`
    (its processor and chat template), last-token pooling, L2 normalisation, the prompt table `prompts`.
    With `routes`, a Router sends each `task=` name through its own random Dense layer after pooling (a
    stand-in for per-task adapters)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import (
        Dense,
        Normalize,
        Pooling,
        Router,
        Transformer,
    )

    transformer = Transformer(str(backbone))
    dim = transformer.get_embedding_dimension()
    pooling = Pooling(dim, pooling_mode="lasttoken")
    if routes:
        torch.manual_seed(len(routes))
        modules: list[torch.nn.Module] = [Router({r: [transformer, pooling, Dense(dim, dim)] for r in routes},
                                                 default_route=routes[0])]
    else:
        modules = [transformer, pooling]
    SentenceTransformer(modules=[*modules, Normalize()], prompts=prompts or {}).save(str(folder))
    return folder


@contextlib.contextmanager
def processor_calls(processor: Any) -> Iterator[list[tuple[list[str], dict[str, Any]]]]:
    """Records what `processor` is called with (its rendered texts and text kwargs), by swapping the
    instance's class for a recording subclass for the duration."""
    calls: list[tuple[list[str], dict[str, Any]]] = []
    original = type(processor)

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        text = kwargs.get("text", args[0] if args else None)
        calls.append((list(text) if isinstance(text, list | tuple) else [text], dict(kwargs.get("text_kwargs", {}))))
        return original.__call__(self, *args, **kwargs)

    processor.__class__ = type(f"Recording{original.__name__}", (original,), {"__call__": call})
    try:
        yield calls
    finally:
        processor.__class__ = original


def make_tiny_omniembed(root: Path, base_name: str, *, prompts: dict[str, str] | None = None) -> tuple[Path, Path]:
    """OmniEmbed's layout: (adapter folder, base folder). The base is a tiny Qwen2.5-Omni thinker; the
    adapter folder is a sentence-transformers model (processor, pooling, normalisation, prompts) whose weights
    are a LoRA adapter (random B matrices, so it changes outputs) whose adapter_config.json names the base as
    `base_name`, a hub id without a revision, as the real one does. Needs peft."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel

    base = make_tiny_qwen_omni(root / "base")
    adapter = make_tiny_st(root / "adapter", base, prompts=prompts)
    for full_model_file in ("model.safetensors", "config.json"):  # an adapter repository has neither
        (adapter / full_model_file).unlink()
    lora = get_peft_model(AutoModel.from_pretrained(base),  # the class sentence-transformers loads
                          LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    torch.manual_seed(1)
    with torch.no_grad():
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0.0, 0.5)
    lora.peft_config["default"].base_model_name_or_path = base_name
    lora.save_pretrained(adapter)
    return adapter, base


def tiny_hub_repos(card: str, root: Path) -> dict[str, tuple[str, Path]]:
    """Tiny stand-ins (built under `root`) for the Hub repositories a card of the MLLM families loads, as
    `offline_hub` takes them: {repository: (revision, folder)}."""
    from mieb.models.registry import get_model_meta

    meta = get_model_meta(card)
    assert meta.revision is not None
    if meta.family == "lco-embedding":
        return {card: (meta.revision, make_tiny_qwen_omni(root / "model"))}
    if meta.family == "gme":
        return {card: (meta.revision, make_tiny_qwen2_vl(root / "model"))}
    if meta.family == "omniembed":
        base_name = "Tevatron/Qwen2.5-Omni-7B-Thinker"
        adapter, base = make_tiny_omniembed(root, base_name, prompts={"query": "Query: "})
        return {card: (meta.revision, adapter), base_name: (meta.loader_kwargs["base_revision"], base)}
    backbones = {"e5-omni": make_tiny_qwen_omni, "bidirlm-omni": make_tiny_qwen3_vl,
                 "qwen3-vl-embedding": make_tiny_qwen3_vl, "bge-vl-mllm": make_tiny_qwen2_vl}
    if meta.family in backbones:
        backbone = backbones[meta.family](root / "backbone")
        return {card: (meta.revision, make_tiny_st(root / "model", backbone, prompts={"query": "Query: "}))}
    if meta.family == "jina-v5-omni":
        routes = ("retrieval", "text-matching", "clustering", "classification")
        return {card: (meta.revision, make_tiny_st(root / "model", make_tiny_qwen3_vl(root / "backbone"),
                                                   routes=routes))}
    raise KeyError(f"no tiny stand-in for {card} (family {meta.family})")


PHI3_V_CODE = Path(__file__).parent / "remote_code" / "phi3_v"


def make_tiny_phi3_v(folder: Path, *, seed: int = 0) -> Path:
    """Phi-3.5-vision-instruct's layout around the stand-in remote code (`remote_code/phi3_v/`): config.json
    whose auto_map names it, the processor's `preprocessor_config.json` (num_crops 16, as the checkpoint's),
    a byte-level tokenizer with Phi-3's <s> / <|endoftext|> / <|end|>."""
    from model_builders import tiny_byte_tokenizer
    from transformers import AutoConfig, AutoModelForCausalLM

    folder.mkdir(parents=True, exist_ok=True)
    for source in PHI3_V_CODE.glob("*.py"):
        shutil.copy(source, folder / source.name)
    tok = tiny_byte_tokenizer([], bos="<s>", pad="<|endoftext|>", eos="<|end|>")
    (folder / "config.json").write_text(json.dumps({
        "model_type": "phi3_v", "crop_size": 16, "tokens_per_crop": 2,
        "auto_map": {"AutoConfig": "configuration_phi3_v.Phi3VConfig",
                     "AutoModelForCausalLM": "modeling_phi3_v.Phi3VForCausalLM"},
        "text_config": {"vocab_size": len(tok), "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                        "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 1024,
                        "pad_token_id": tok.pad_token_id, "bos_token_id": tok.bos_token_id,
                        "eos_token_id": tok.eos_token_id},
    }))
    cfg = AutoConfig.from_pretrained(folder, trust_remote_code=True)
    torch.manual_seed(seed)
    AutoModelForCausalLM.from_config(cfg, trust_remote_code=True).save_pretrained(folder)
    tok.save_pretrained(folder)
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "auto_map": {"AutoProcessor": "processing_phi3_v.Phi3VProcessor"}, "processor_class": "Phi3VProcessor",
        "num_crops": 16, "crop_size": 16, "tokens_per_crop": 2, "image_mean": 0.5, "image_std": 0.5}))
    return folder


def make_tiny_vlm2vec_v1(root: Path) -> dict[str, Path]:
    """VLM2Vec v1's repositories: the Phi-3.5-V base, a fully fine-tuned model (other weights, same layout)
    and a LoRA adapter on the base (random B matrices) whose config names the base by its hub id."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = make_tiny_phi3_v(root / "base")
    full = make_tiny_phi3_v(root / "full", seed=1)
    model = AutoModelForCausalLM.from_pretrained(base, trust_remote_code=True)
    lora = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["qkv_proj", "o_proj"]))
    torch.manual_seed(2)
    with torch.no_grad():
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0.0, 0.5)
    lora.peft_config["default"].base_model_name_or_path = "microsoft/Phi-3.5-vision-instruct"
    lora.save_pretrained(root / "lora")
    return {"base": base, "full": full, "lora": root / "lora"}
