"""Tiny random checkpoints of the colpali_engine families (ColQwen2, ColQwen2.5, ColIdefics3) saved with
colpali_engine's own classes and processors, as the real repositories are. Needs the `colpali` extra. None of
these is a trained model."""

from __future__ import annotations

from pathlib import Path

import torch
from model_builders import QWEN2_VL_SPECIAL, tiny_byte_tokenizer

IDEFICS3_SPECIAL = ["<|im_start|>", "<end_of_utterance>", "<image>", "<fake_token_around_image>", "<global-img>",
                    *[f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)]]
_TEXT = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
         "num_key_value_heads": 1, "max_position_embeddings": 2048}


def make_tiny_colqwen(folder: Path, *, version: str = "2", seed: int = 0) -> Path:
    """ColQwen2 (version "2": Qwen2-VL) or ColQwen2_5 ("2.5": Qwen2.5-VL) with its processor: byte-level
    Qwen2-style tokenizer and Qwen2-VL's default pixel budget, so the fixture images give different numbers
    of visual tokens."""
    from colpali_engine.models import ColQwen2, ColQwen2_5, ColQwen2_5_Processor, ColQwen2Processor
    from transformers import Qwen2_5_VLConfig, Qwen2VLConfig, Qwen2VLImageProcessorPil, Qwen2VLVideoProcessor

    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN2_VL_SPECIAL}
    text = {**_TEXT, "vocab_size": len(tok), "bos_token_id": None, "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": tok.pad_token_id,
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]}}
    common = {"patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2, "depth": 2, "num_heads": 2,
              "hidden_size": 32}
    tokens = dict(image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                  vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])
    if version == "2":
        cfg = Qwen2VLConfig(vision_config={**common, "embed_dim": 32, "mlp_ratio": 2}, text_config=text, **tokens)
        model_cls, proc_cls = ColQwen2, ColQwen2Processor
    else:
        cfg = Qwen2_5_VLConfig(vision_config={**common, "intermediate_size": 64, "out_hidden_size": 32,
                                              "window_size": 56, "fullatt_block_indexes": [1]},
                               text_config=text, **tokens)
        model_cls, proc_cls = ColQwen2_5, ColQwen2_5_Processor
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    model_cls(cfg).save_pretrained(folder)
    pixels = {"shortest_edge": 56 * 56, "longest_edge": 28 * 28 * 1280}  # Qwen2-VL's defaults
    proc_cls(image_processor=Qwen2VLImageProcessorPil(size=pixels), tokenizer=tok,
             video_processor=Qwen2VLVideoProcessor()).save_pretrained(folder)
    return folder


def make_tiny_colsmol(folder: Path, *, seed: int = 0) -> Path:
    """ColIdefics3 (SmolVLM layout: tiny SigLIP-style vision tower, tiny Llama, pixel shuffle by 2) with its
    processor: images resized to a 96-pixel longest edge and split into 32-pixel tiles plus a global view,
    4 tokens per tile, so the fixture images give different numbers of tiles and tokens."""
    from colpali_engine.models import ColIdefics3, ColIdefics3Processor
    from transformers import Idefics3Config, Idefics3ImageProcessorPil

    tok = tiny_byte_tokenizer(IDEFICS3_SPECIAL, bos="<|im_start|>", pad="<|endoftext|>", eos="<end_of_utterance>")
    cfg = Idefics3Config(
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                       "image_size": 32, "patch_size": 8},
        text_config={**_TEXT, "model_type": "llama", "vocab_size": len(tok), "pad_token_id": tok.pad_token_id},
        image_token_id=tok.convert_tokens_to_ids("<image>"), scale_factor=2,
    )
    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ColIdefics3(cfg).save_pretrained(folder)
    image_processor = Idefics3ImageProcessorPil(size={"longest_edge": 96}, max_image_size={"longest_edge": 32},
                                                do_image_splitting=True)
    ColIdefics3Processor(image_processor=image_processor, tokenizer=tok, image_seq_len=4).save_pretrained(folder)
    return folder


def make_tiny_colqwen3(folder: Path, *, variant: str = "tomoro", seed: int = 0) -> Path:
    """A ColQwen3 checkpoint around the stand-in remote code in `remote_code/colqwen3/`: TomoroAI's layout
    (variant "tomoro": model_type "colqwen3", 320-d) or OpenSearch-AI's ("ops": "ops_colqwen3", the text
    model's hidden size), a tiny Qwen3-VL inside, and transformers' Qwen3-VL processor files; config.json's
    `auto_map` names the stand-ins, so loading needs trust_remote_code=True as the real repositories do.
    Needs torchvision (Qwen3-VL's video processor)."""
    import json

    from model_builders import save_remote_code_model
    from transformers import Qwen2VLImageProcessorPil, Qwen3VLProcessor, Qwen3VLVideoProcessor

    tok = tiny_byte_tokenizer(QWEN2_VL_SPECIAL, bos=None, pad="<|endoftext|>", eos="<|im_end|>")
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN2_VL_SPECIAL}
    text = {**_TEXT, "vocab_size": len(tok), "head_dim": 16, "pad_token_id": tok.pad_token_id,
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3],
                                "mrope_interleaved": True}}
    vision = {"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "out_hidden_size": 32,
              "patch_size": 16, "spatial_merge_size": 2, "temporal_patch_size": 2, "num_position_embeddings": 64,
              "deepstack_visual_indexes": [1]}
    tomoro = variant == "tomoro"
    model_type, config_class, model_class, proc = (
        ("colqwen3", "ColQwen3Config", "ColQwen3", "ColQwen3Processor") if tomoro
        else ("ops_colqwen3", "OpsColQwen3Config", "OpsColQwen3Model", "OpsColQwen3Processor"))
    save_remote_code_model(folder, "colqwen3", {
        "model_type": model_type, "embed_dim": 320 if tomoro else 32, "text_config": text, "vision_config": vision,
        "image_token_id": ids["<|image_pad|>"], "video_token_id": ids["<|video_pad|>"],
        "vision_start_token_id": ids["<|vision_start|>"], "vision_end_token_id": ids["<|vision_end|>"],
        "auto_map": {"AutoConfig": f"configuration_colqwen3.{config_class}",
                     "AutoModel": f"modeling_colqwen3.{model_class}",
                     "AutoProcessor": f"processing_colqwen3.{proc}"},
    }, seed)
    pixels = {"shortest_edge": 32 * 32, "longest_edge": 32 * 32 * 16384}  # the cap is set at loading
    Qwen3VLProcessor(image_processor=Qwen2VLImageProcessorPil(size=pixels, patch_size=16, merge_size=2),
                     tokenizer=tok, video_processor=Qwen3VLVideoProcessor()).save_pretrained(folder)
    # As a repository whose processor class is registered for AutoProcessor (processor_config.json names it).
    proc_file = folder / "processor_config.json"
    proc_config = json.loads(proc_file.read_text())
    proc_config.update(processor_class=proc, auto_map={"AutoProcessor": f"processing_colqwen3.{proc}"})
    proc_file.write_text(json.dumps(proc_config))
    return folder
