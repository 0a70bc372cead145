"""Tiny randomly initialised checkpoints, built from configs and saved like the real ones, so each
family's real loading path can run offline. None of these is a trained model."""

from __future__ import annotations

import json
import shutil
import string
from pathlib import Path
from typing import Any

import torch
from helpers import make_tiny_clip

from mieb.models.meta import CLIP_MEAN, CLIP_STD

__all__ = ["make_tiny_align", "make_tiny_blip", "make_tiny_clip", "make_tiny_colpali", "make_tiny_dinov2",
           "make_tiny_dinov3", "make_tiny_timm_vit", "make_tiny_blip2", "make_tiny_bge_vl",
           "make_tiny_visualized_bge", "make_tiny_ebind", "STAND_INS",
           "make_tiny_e5v", "make_tiny_jina_clip", "make_tiny_nomic_vision", "make_tiny_openclip",
           "make_tiny_siglip", "make_tiny_vlm2vec", "tiny_bert_tokenizer", "tiny_byte_tokenizer",
           "tiny_gemma_tokenizer"]

CHARS = list(string.ascii_lowercase + string.ascii_uppercase + string.digits + ".,!?'-")
REMOTE_CODE = Path(__file__).parent / "remote_code"


def tiny_gemma_tokenizer(max_len: int):  # noqa: ANN201 - a transformers GemmaTokenizer
    """A character-level Gemma (SigLIP2-style) tokenizer: whole-word pieces are absent, so every word is
    spelled out, which is all a random model needs."""
    from transformers import GemmaTokenizer

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<mask>": 4, "▁": 5}
    for c in CHARS:
        vocab.setdefault(c, len(vocab))
        vocab.setdefault("▁" + c, len(vocab))
    tok = GemmaTokenizer(vocab=vocab, merges=[])
    tok.model_max_length = max_len
    tok.padding_side = "right"  # as SigLIP's tokenizers pad: the pooled last position is then a pad token
    return tok


def tiny_bert_tokenizer(folder: Path, max_len: int = 512):  # noqa: ANN201 - a transformers BertTokenizer
    from transformers import BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *CHARS, *[f"##{c}" for c in CHARS],
             "photo", "red", "square", "dog", "blue", "a", "of"]
    vocab_file = folder / "vocab.txt"
    vocab_file.write_text("\n".join(dict.fromkeys(words)) + "\n")
    tok = BertTokenizer(vocab_file=str(vocab_file), model_max_length=max_len)
    return tok


def make_tiny_siglip(folder: Path, *, image_size: int = 32, max_len: int = 16, seed: int = 0) -> Path:
    """SiglipModel + Gemma tokenizer + SiglipImageProcessor config (a SigLIP2 fixed-resolution layout)."""
    from transformers import SiglipConfig, SiglipImageProcessorPil, SiglipModel

    tok = tiny_gemma_tokenizer(max_len)
    cfg = SiglipConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=max_len, pad_token_id=tok.pad_token_id,
                         projection_size=32),
        vision_config=dict(image_size=image_size, patch_size=8, hidden_size=32, intermediate_size=64,
                           num_hidden_layers=2, num_attention_heads=2),
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    SiglipModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    SiglipImageProcessorPil(size={"height": image_size, "width": image_size}, resample=2,
                            image_mean=[0.5] * 3, image_std=[0.5] * 3).save_pretrained(folder)
    return folder


def make_tiny_dinov2(folder: Path, *, seed: int = 0) -> Path:
    from transformers import BitImageProcessorPil, Dinov2Config, Dinov2Model

    cfg = Dinov2Config(image_size=28, patch_size=7, hidden_size=24, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=48)
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    Dinov2Model(cfg).save_pretrained(folder)
    BitImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 28, "width": 28}, resample=3,
                         image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225]).save_pretrained(folder)
    return folder


def make_tiny_blip(folder: Path, *, seed: int = 0) -> Path:
    from transformers import BlipConfig, BlipForImageTextRetrieval, BlipImageProcessorPil

    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=32)
    cfg = BlipConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=32, encoder_hidden_size=32,
                         pad_token_id=tok.pad_token_id, bos_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id),
        # BlipVisionConfig initialises with std 1e-10, which leaves every image with the same embedding.
        vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2, initializer_range=0.02),
        projection_dim=16, image_text_hidden_size=16,
    )
    torch.manual_seed(seed)
    BlipForImageTextRetrieval(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    BlipImageProcessorPil(size={"height": 32, "width": 32}, resample=3).save_pretrained(folder)
    return folder


def make_tiny_align(folder: Path, *, seed: int = 0) -> Path:
    from transformers import AlignConfig, AlignModel, EfficientNetImageProcessorPil

    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=24)
    cfg = AlignConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=24),
        vision_config=dict(image_size=32, width_coefficient=0.1, depth_coefficient=0.1, hidden_dim=24,
                           num_hidden_layers=4),
        projection_dim=32,  # = the width-scaled vision output, as in the real checkpoint (both 640)
    )
    torch.manual_seed(seed)
    model = AlignModel(cfg).eval()
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    EfficientNetImageProcessorPil(size={"height": 40, "width": 40}, crop_size={"height": 32, "width": 32},
                                  do_center_crop=True, resample=2, rescale_factor=1 / 127.5, rescale_offset=True,
                                  do_normalize=False, include_top=False).save_pretrained(folder)
    return folder


def save_remote_code_model(folder: Path, package: str, config: dict[str, Any], seed: int = 0) -> None:
    """A checkpoint whose architecture is the stand-in remote code in `remote_code/<package>/`: the code is
    copied next to a config.json naming it in `auto_map`, built through transformers' remote-code path and
    saved, so loading it needs trust_remote_code=True exactly as the real repositories do."""
    from transformers import AutoConfig, AutoModel

    folder.mkdir(parents=True, exist_ok=True)
    for source in (REMOTE_CODE / package).glob("*.py"):
        shutil.copy(source, folder / source.name)
    (folder / "config.json").write_text(json.dumps(config))
    cfg = AutoConfig.from_pretrained(folder, trust_remote_code=True)
    torch.manual_seed(seed)
    AutoModel.from_config(cfg, trust_remote_code=True).save_pretrained(folder)


def make_tiny_jina_clip(folder: Path, *, version: int = 1, seed: int = 0) -> Path:
    """Jina-CLIP v1 / v2 layout (model_type "jina_clip", remote code, tokenizer and image processor in the
    repo) around the stand-in code; v2 differs in sizes only (its real towers are not reproduced)."""
    from transformers import CLIPImageProcessorPil

    size, dim = (32, 16) if version == 1 else (48, 24)
    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=64)
    tiny = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2}
    save_remote_code_model(folder, "jina_clip", {
        "model_type": "jina_clip", "projection_dim": dim,
        "auto_map": {"AutoConfig": "configuration_clip.JinaCLIPConfig",
                     "AutoModel": "modeling_clip.JinaCLIPModel"},
        "text_config": {"vocab_size": len(tok), "max_position_embeddings": 64, **tiny},
        "vision_config": {"image_size": size, "patch_size": 8, **tiny},
    }, seed)
    tok.save_pretrained(folder)
    CLIPImageProcessorPil(size={"shortest_edge": size}, crop_size={"height": size, "width": size},
                          resample=3).save_pretrained(folder)
    return folder


def make_tiny_nomic_vision(folder: Path, *, seed: int = 0) -> Path:
    """nomic-embed-vision layout (model_type "nomic_bert", remote code, CLIPImageProcessor config) with the
    text model (nomic-embed-text layout: remote code, BERT tokenizer) in `text/`, where the card looks."""
    from transformers import CLIPImageProcessorPil

    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=64)
    common = {"model_type": "nomic_bert", "vocab_size": len(tok), "n_embd": 32, "img_size": 32,
              "patch_size": 8}

    def auto_map(model_class: str) -> dict[str, str]:
        return {"AutoConfig": "configuration_hf_nomic_bert.NomicBertConfig",
                "AutoModel": f"modeling_hf_nomic_bert.{model_class}"}

    save_remote_code_model(folder, "nomic_bert", {**common, "auto_map": auto_map("NomicVisionModel")}, seed)
    CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                          resample=3).save_pretrained(folder)
    save_remote_code_model(folder / "text", "nomic_bert", {**common, "auto_map": auto_map("NomicBertModel")},
                           seed + 1)
    tok.save_pretrained(folder / "text")
    return folder


def tiny_byte_tokenizer(special: list[str], *, bos: str | None, pad: str, eos: str):  # noqa: ANN201
    """A byte-level BPE tokenizer with no merges (every byte its own token, as Llama-3's and Qwen2's
    byte-level BPE degrade to) plus the model's special tokens; with `bos`, prepended to every text."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(list(dict.fromkeys([t for t in (bos, pad, eos) if t] + special)))
    if bos is not None:
        tok.post_processor = processors.TemplateProcessing(single=f"{bos} $A",
                                                           special_tokens=[(bos, tok.token_to_id(bos))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, pad_token=pad, eos_token=eos,
                                   extra_special_tokens={})


def make_tiny_e5v(folder: Path, *, seed: int = 0) -> Path:
    """LlavaNextForConditionalGeneration (tiny CLIP vision tower, tiny Llama) + LlavaNextProcessor with a
    Llama-3-style byte-level tokenizer holding the chat-template special tokens E5-V's prompts use, and
    any-resolution tiling on a 32 px grid (so images of different shapes get different token counts)."""
    from transformers import (
        LlavaNextConfig,
        LlavaNextForConditionalGeneration,
        LlavaNextImageProcessorPil,
        LlavaNextProcessor,
    )

    tok = tiny_byte_tokenizer(["<|start_header_id|>", "<|end_header_id|>", "<image>"],
                              bos="<|begin_of_text|>", pad="<pad>", eos="<|eot_id|>")
    grid = [[32, 64], [64, 32], [64, 64]]
    cfg = LlavaNextConfig(
        vision_config={"model_type": "clip_vision_model", "image_size": 32, "patch_size": 8,
                       "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                       "num_attention_heads": 2, "projection_dim": 32},
        text_config={"model_type": "llama", "vocab_size": len(tok), "hidden_size": 32,
                     "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                     "num_key_value_heads": 1, "max_position_embeddings": 1024,
                     "pad_token_id": tok.pad_token_id, "bos_token_id": tok.bos_token_id,
                     "eos_token_id": tok.eos_token_id},
        image_token_index=tok.convert_tokens_to_ids("<image>"), image_grid_pinpoints=grid,
        vision_feature_layer=-2, vision_feature_select_strategy="default",
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    LlavaNextForConditionalGeneration(cfg).save_pretrained(folder)
    image_processor = LlavaNextImageProcessorPil(size={"shortest_edge": 32}, image_grid_pinpoints=grid,
                                                 crop_size={"height": 32, "width": 32})
    LlavaNextProcessor(image_processor=image_processor, tokenizer=tok, patch_size=8,
                       vision_feature_select_strategy="default",
                       num_additional_image_tokens=1).save_pretrained(folder)
    return folder


QWEN2_VL_SPECIAL = ["<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
                    "<|video_pad|>"]


def make_tiny_vlm2vec(folder: Path, *, seed: int = 0) -> Path:
    """VLM2Vec-V2.0 layout: `folder/` is a PEFT LoRA adapter (adapter_config.json naming its base, adapter
    weights, the processor files) on a tiny Qwen2-VL base saved in `folder.parent / (folder.name + "-base")`.
    LoRA's B matrices start at zero (a no-op adapter); they are randomised so merging the adapter matters.
    Needs the `vlm2vec` extra."""
    from peft import LoraConfig, get_peft_model
    from transformers import (
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessorPil,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    base_dir = folder.parent / f"{folder.name}-base"
    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN2_VL_SPECIAL}
    rope = {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]}  # head_dim 16
    cfg = Qwen2VLConfig(
        vision_config={"depth": 2, "embed_dim": 32, "hidden_size": 32, "mlp_ratio": 2, "num_heads": 2,
                       "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2},
        text_config={"vocab_size": len(tok), "hidden_size": 32, "intermediate_size": 64,
                     "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1,
                     "max_position_embeddings": 2048,
                     "rope_parameters": rope, "bos_token_id": None, "eos_token_id": ids["<|im_end|>"],
                     "pad_token_id": tok.pad_token_id},
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
    )
    torch.manual_seed(seed)
    base = Qwen2VLForConditionalGeneration(cfg).eval()
    base.save_pretrained(base_dir)
    lora = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    with torch.no_grad():
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0.0, 0.5)
    lora.peft_config["default"].base_model_name_or_path = str(base_dir.resolve())
    lora.save_pretrained(folder)
    pixels = {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280}  # Qwen2-VL's defaults
    image_processor = Qwen2VLImageProcessorPil(size=pixels)
    Qwen2VLProcessor(image_processor=image_processor, tokenizer=tok,
                     video_processor=Qwen2VLVideoProcessor()).save_pretrained(folder)
    return folder


def make_tiny_colpali(folder: Path, seed: int = 0) -> Path:
    """ColPali (PaliGemma: tiny SigLIP vision tower, tiny Gemma) saved by colpali_engine, with its processor
    (character-level Gemma tokenizer, 16 image tokens per image). Needs the `colpali` extra."""
    from colpali_engine.models import ColPali, ColPaliProcessor
    from transformers import GemmaTokenizer, PaliGemmaConfig, SiglipImageProcessorPil

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<image>": 4, "▁": 5, "\n": 6}
    for c in CHARS:
        vocab.setdefault(c, len(vocab))
        vocab.setdefault("▁" + c, len(vocab))
    tok = GemmaTokenizer(vocab=vocab, merges=[])
    tok.add_special_tokens({"additional_special_tokens": ["<image>"]})
    tok.padding_side = "right"  # as PaliGemma's: under causal attention, trailing pads change nothing
    cfg = PaliGemmaConfig(
        vision_config={"image_size": 32, "patch_size": 8, "hidden_size": 32, "intermediate_size": 64,
                       "num_hidden_layers": 2, "num_attention_heads": 2, "projection_dim": 32},
        text_config={"vocab_size": len(vocab), "hidden_size": 32, "intermediate_size": 64,
                     "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1,
                     "head_dim": 16},
        image_token_index=4, projection_dim=32, hidden_size=32, vocab_size=len(vocab),
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ColPali(cfg).save_pretrained(folder)
    image_processor = SiglipImageProcessorPil(size={"height": 32, "width": 32})
    image_processor.image_seq_length = 16  # (32 / 8) ** 2 patches; real checkpoints store it the same way
    proc = ColPaliProcessor(image_processor=image_processor, tokenizer=tok, image_seq_length=16)
    proc.save_pretrained(folder)
    return folder


def make_tiny_openclip(folder: Path, *, kind: str = "vit", seed: int = 0) -> Path:
    """An open_clip "local-dir:" folder (`open_clip_config.json` + `open_clip_model.safetensors`): a tiny
    ViT, or (kind="eva02") the EVA-02 timm trunk open_clip's EVA02-* configs use. Needs the `openclip`
    extra."""
    import open_clip
    from safetensors.torch import save_file

    if kind == "vit":
        vision = {"image_size": 32, "layers": 2, "width": 32, "patch_size": 8, "head_width": 16}
    else:
        vision = {"image_size": 224, "timm_model_name": "eva02_tiny_patch14_224",
                  "timm_model_pretrained": False, "timm_pool": "token", "timm_proj": "linear"}
    text = {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2}
    folder.mkdir(parents=True, exist_ok=True)
    cfg = {"model_cfg": {"embed_dim": 16, "vision_cfg": vision, "text_cfg": text},
           "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
                              "std": [0.26862954, 0.26130258, 0.27577711]}}
    (folder / "open_clip_config.json").write_text(json.dumps(cfg))
    torch.manual_seed(seed)
    model = open_clip.create_model("local-dir:" + str(folder))
    weights = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(weights, folder / "open_clip_model.safetensors")
    return folder


def make_tiny_dinov3(folder: Path, *, seed: int = 0) -> Path:
    """DINOv3ViTModel (4 register tokens, RoPE) + its torchvision-backed DINOv3ViTImageProcessor at 32 px.
    Needs torchvision."""
    from transformers import DINOv3ViTConfig, DINOv3ViTImageProcessor, DINOv3ViTModel

    cfg = DINOv3ViTConfig(image_size=32, patch_size=8, hidden_size=24, intermediate_size=48, num_hidden_layers=2,
                          num_attention_heads=2, num_register_tokens=4)
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    DINOv3ViTModel(cfg).save_pretrained(folder)
    DINOv3ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


def make_tiny_timm_vit(folder: Path, *, seed: int = 0) -> Path:
    """A timm `vit_base_patch16_224` shrunk to 32 px / 2 layers, saved by timm's `save_for_hf` (config.json with
    architecture, model_args and pretrained_cfg: shortest edge 35 = 32 / 0.9, crop 32, mean = std = 0.5, as the
    MoCo v3 cards' ViTs at 224). Needs the `timm` extra."""
    import timm
    from timm.models import save_for_hf

    torch.manual_seed(seed)
    model = timm.create_model("vit_base_patch16_224", pretrained=False, num_classes=0, img_size=32, patch_size=8,
                              embed_dim=32, depth=2, num_heads=2)
    save_for_hf(model, str(folder), safe_serialization=True)
    return folder


def make_tiny_blip2(folder: Path, *, seed: int = 0) -> Path:
    """Blip2ForImageTextRetrieval (the layout of Salesforce/blip2-itm-vit-g: ViT, 4 query tokens, a Q-Former
    with its text embeddings and cross-attention every 2nd layer, ITC/ITM heads) + an uncased BERT tokenizer
    with LAVIS's added [DEC] token + a BlipImageProcessor config (32 x 32, bicubic, CLIP mean/std)."""
    from transformers import Blip2Config, Blip2ForImageTextRetrieval, BlipImageProcessorPil

    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=64)
    tok.add_special_tokens({"bos_token": "[DEC]"})
    cfg = Blip2Config(
        # Blip2VisionConfig initialises with std 1e-10 (an all-but-constant ViT): 0.02 makes images matter.
        vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2, initializer_range=0.02),
        qformer_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                            num_attention_heads=2, max_position_embeddings=64, use_qformer_text_input=True,
                            pad_token_id=tok.pad_token_id),
        num_query_tokens=4, image_text_hidden_size=16,
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    model = Blip2ForImageTextRetrieval(cfg)
    with torch.no_grad():  # the query tokens start at zero: make them matter
        model.query_tokens.normal_(std=0.5)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    BlipImageProcessorPil(size={"height": 32, "width": 32}, resample=3, image_mean=list(CLIP_MEAN),
                          image_std=list(CLIP_STD)).save_pretrained(folder)
    return folder


def make_tiny_bge_vl(folder: Path, *, seed: int = 0) -> Path:
    """A tiny CLIP saved as the BGE-VL repositories are: model_type "clip" with an auto_map naming their remote
    code (`modeling_MMRet_CLIP.CLIPModel`), which mieb recognises but never runs (so it is not written)."""
    make_tiny_clip(folder, seed=seed)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling_MMRet_CLIP.CLIPModel"}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


# timm's EVA02 parameter names -> EVA-CLIP's (FlagEmbedding's EVA tower), the inverse of the renames in timm's
# eva.checkpoint_filter_fn, so the tiny checkpoint is saved the way Visualized_BGE saves its tower.
_TIMM_TO_EVA_CLIP = [("attn.q_proj.bias", "attn.q_bias"), ("attn.v_proj.bias", "attn.v_bias"),
                     ("mlp.fc1_g", "mlp.w1"), ("mlp.fc1_x", "mlp.w2"), ("mlp.fc2", "mlp.w3"),
                     ("mlp.norm", "mlp.ffn_ln"), ("attn.norm", "attn.inner_attn_ln")]
TINY_EVA = {"img_size": 32, "patch_size": 8, "embed_dim": 32, "depth": 2, "num_heads": 2}


def make_tiny_visualized_bge(folder: Path, *, seed: int = 0) -> Path:
    """A Visualized_BGE checkpoint (`folder/visualized.pth`: bge_embeddings / bge_encoder / bge_pooler,
    visual_proj, model_visual.visual.* in EVA-CLIP names with its head, model_visual.logit_scale) for a tiny
    BERT (config and tokenizer in `folder/bge`) and a tiny timm EVA02 tower (TINY_EVA: 16 image tokens).
    Needs the `timm` extra."""
    import timm
    from transformers import BertConfig, BertModel

    tok = tiny_bert_tokenizer(folder / "_vocab", max_len=64)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                        num_attention_heads=2, max_position_embeddings=64, pad_token_id=tok.pad_token_id)
    torch.manual_seed(seed)
    bge = BertModel(config)
    bge.save_pretrained(folder / "bge")
    tok.save_pretrained(folder / "bge")
    eva = timm.create_model("eva02_base_patch16_clip_224", pretrained=False, num_classes=24, **TINY_EVA)
    with torch.no_grad():  # timm zero-initialises some biases and norms: make every weight matter
        for p in eva.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    state = {f"bge_embeddings.{k}": v for k, v in bge.embeddings.state_dict().items()}
    state |= {f"bge_encoder.{k}": v for k, v in bge.encoder.state_dict().items()}
    state |= {f"bge_pooler.{k}": v for k, v in bge.pooler.state_dict().items()}
    proj = torch.nn.Linear(32, 32)
    state |= {f"visual_proj.{k}": v for k, v in proj.state_dict().items()}
    for k, v in eva.state_dict().items():
        if "rope" in k:
            continue  # EVA-CLIP's rope buffers are recomputed; timm's filter skips them
        for ours, theirs in _TIMM_TO_EVA_CLIP:
            k = k.replace(ours, theirs)
        state[f"model_visual.visual.{k}"] = v
    state["model_visual.logit_scale"] = torch.tensor(4.6)
    torch.save(state, folder / "visualized.pth")
    return folder


STAND_INS = Path(__file__).parent / "stand_ins"


def make_tiny_ebind(folder: Path, *, seed: int = 0) -> Path:
    """A tiny checkpoint of the `ebind` stand-in package (stand_ins/ebind), built without importing it as
    `ebind` (so the name stays free for the real package and for tests that put the stand-in on sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_ebind_stand_in", STAND_INS / "ebind" / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_tiny(folder, seed=seed)


def tiny_qwen35_config(tok: Any, config_class: Any = None, **extra: Any) -> Any:
    """A two-layer Qwen3.5 (one linear-attention, one full-attention layer) with a two-block vision tower."""
    from transformers import Qwen3_5Config

    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN2_VL_SPECIAL}
    rope = {"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.5, "mrope_section": [2, 1, 1],
            "mrope_interleaved": True}  # head_dim 16: 8 rotary dims, 4 frequencies over (t, h, w)
    return (config_class or Qwen3_5Config)(
        text_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         layer_types=["linear_attention", "full_attention"], num_attention_heads=2,
                         num_key_value_heads=1, head_dim=16, linear_num_key_heads=2, linear_num_value_heads=2,
                         linear_key_head_dim=8, linear_value_head_dim=8, rope_parameters=rope,
                         pad_token_id=tok.pad_token_id, eos_token_id=ids["<|im_end|>"], bos_token_id=None),
        vision_config=dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=16,
                           spatial_merge_size=2, temporal_patch_size=2, out_hidden_size=32,
                           num_position_embeddings=64),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"], **extra)


def qwen3vl_style_processor_parts(max_tokens: int = 16) -> dict[str, Any]:
    """Qwen3-VL's image processing (16 px patches merged 2 x 2: a 32 px grid, 4 to `max_tokens` visual tokens
    per image) and a video processor, as Qwen3-VL / Qwen3.5 checkpoints ship them."""
    from transformers import Qwen2VLImageProcessorPil, Qwen3VLVideoProcessor

    image_processor = Qwen2VLImageProcessorPil(size={"shortest_edge": 32 * 32 * 4, "longest_edge": 32 * 32 * max_tokens},
                                               patch_size=16, merge_size=2, temporal_patch_size=2)
    return {"image_processor": image_processor, "video_processor": Qwen3VLVideoProcessor()}


# Stand-in remote code built on ColQwen3.5 weights: package -> (model_type, AutoConfig, AutoModel, AutoProcessor).
COLQWEN35_REMOTE_LAYOUTS = {
    "colvision": ("colvision_standin", "configuration_colvision.ColVisionConfig", "modeling_colvision.ColVisionModel",
                  "processing_colvision.ColVisionProcessor"),
    "nvidia_colembed": ("colembed_standin", "configuration_colembed.ColEmbedConfig",
                        "modeling_colembed.ColEmbedModel", None),
    "jina_v4": ("jina_embeddings_v4_standin", "configuration_jina_embeddings_v4.JinaEmbeddingsV4Config",
                "modeling_jina_embeddings_v4.JinaEmbeddingsV4Model", None),
}


def make_tiny_colqwen35(folder: Path, *, remote: str | None = None, output_object: bool = True,
                        seed: int = 0) -> Path:
    """ColQwen3.5 saved by colpali_engine with its ColQwen3_5Processor (byte-level Qwen-style tokenizer). With
    `remote` (a package of `remote_code/`, see COLQWEN35_REMOTE_LAYOUTS), the same weights under that stand-in
    remote code (its model_type, auto_map for AutoConfig / AutoModel and, for "colvision", AutoProcessor): the
    layout of Argus / webAI ColVec1 / Granite Vision embedding, NVIDIA ColEmbed and jina-embeddings-v4
    checkpoints. `output_object=False` makes the "colvision" forward return the bare tensor. Needs the
    `colpali` extra."""
    from colpali_engine.models import ColQwen3_5, ColQwen3_5Processor

    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    ColQwen3_5(tiny_qwen35_config(tok)).save_pretrained(folder)
    ColQwen3_5Processor(tokenizer=tok, **qwen3vl_style_processor_parts()).save_pretrained(folder)
    if remote is not None:
        model_type, config_cls, model_cls, processor_cls = COLQWEN35_REMOTE_LAYOUTS[remote]
        for source in (REMOTE_CODE / remote).glob("*.py"):
            shutil.copy(source, folder / source.name)
        config = json.loads((folder / "config.json").read_text())
        config.update(model_type=model_type, output_object=output_object,
                      auto_map={"AutoConfig": config_cls, "AutoModel": model_cls})
        (folder / "config.json").write_text(json.dumps(config))
        if processor_cls is not None:
            path = folder / "processor_config.json"
            proc = json.loads(path.read_text())
            proc.update(processor_class=processor_cls.split(".")[1], auto_map={"AutoProcessor": processor_cls})
            path.write_text(json.dumps(proc))
    return folder


# Qwen's chat template, cut to what the embedding models use: text and image parts, system/user turns.
QWEN_CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def make_tiny_qwen3vl(folder: Path, *, seed: int = 0) -> Path:
    """Qwen3VLForConditionalGeneration (two-layer text model, two-block vision tower with one deepstack layer)
    and a Qwen3VLProcessor with a byte-level tokenizer and a cut-down Qwen chat template: the layout of
    eager-embed-v1 and of NanoVDR's teacher, Qwen3-VL-Embedding-2B. Needs torchvision (video processor)."""
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration, Qwen3VLProcessor

    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN2_VL_SPECIAL}
    cfg = Qwen3VLConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3],
                                          "mrope_interleaved": True},
                         pad_token_id=tok.pad_token_id, eos_token_id=ids["<|im_end|>"], bos_token_id=None),
        vision_config=dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=16,
                           spatial_merge_size=2, temporal_patch_size=2, out_hidden_size=32,
                           num_position_embeddings=64, deepstack_visual_indexes=[0]),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    Qwen3VLForConditionalGeneration(cfg).save_pretrained(folder)
    Qwen3VLProcessor(tokenizer=tok, chat_template=QWEN_CHAT_TEMPLATE,
                     **qwen3vl_style_processor_parts(max_tokens=64)).save_pretrained(folder)
    return folder


def make_tiny_sentence_transformer(folder: Path, prompts: dict[str, str] | None = None, seed: int = 0) -> Path:
    """A SentenceTransformer folder: tiny BERT, mean pooling, normalisation (sentence-transformers 6 layout)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers import BertConfig, BertModel

    hf = folder.parent / f"{folder.name}-hf"
    tok = tiny_bert_tokenizer(hf / "_vocab", max_len=64)
    torch.manual_seed(seed)
    BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=64)).save_pretrained(hf)
    tok.save_pretrained(hf)
    model = SentenceTransformer(modules=[Transformer(str(hf), max_seq_length=64), Pooling(32, "mean"), Normalize()],
                                prompts=prompts or {})
    model.save(str(folder))
    return folder


def make_tiny_sauerkraut_colqwen3(folder: Path, *, seed: int = 0) -> Path:
    """SauerkrautLM ColQwen3 (Qwen3-VL backbone + 128-d projection) saved by `sauerkrautlm_colpali`, with its
    ColQwen3Processor (Qwen2-VL processor class, byte-level tokenizer, Qwen3-VL's 16 px patches). Needs the
    `sauerkraut` extra."""
    from sauerkrautlm_colpali.models.qwen3.colqwen3 import ColQwen3, ColQwen3Processor

    from mieb.models.wrappers.colprocessor import with_component_signature

    ColQwen3Processor = with_component_signature(ColQwen3Processor)  # noqa: N806 - see its docstring
    base = make_tiny_qwen3vl(folder.parent / f"{folder.name}-base", seed=seed)
    from transformers import AutoConfig

    cfg = AutoConfig.from_pretrained(base)
    torch.manual_seed(seed)
    ColQwen3(cfg).save_pretrained(folder)
    from transformers import Qwen2VLVideoProcessor

    parts = qwen3vl_style_processor_parts()
    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    ColQwen3Processor(image_processor=parts["image_processor"], tokenizer=tok,
                      video_processor=Qwen2VLVideoProcessor()).save_pretrained(folder)
    return folder
