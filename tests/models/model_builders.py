"""Tiny randomly initialised checkpoints, built from configs and saved like the real ones, so each
family's real loading path can run offline. None of these is a trained model."""

from __future__ import annotations

import string
from pathlib import Path

import torch

from helpers import make_tiny_clip

__all__ = ["make_tiny_align", "make_tiny_blip", "make_tiny_clip", "make_tiny_dinov2", "make_tiny_siglip",
           "tiny_bert_tokenizer", "tiny_gemma_tokenizer"]

CHARS = list(string.ascii_lowercase + string.ascii_uppercase + string.digits + ".,!?'-")


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
        vision_config=dict(image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                           num_attention_heads=2),
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
