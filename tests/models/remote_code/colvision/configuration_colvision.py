"""Stand-in configuration of a ColQwen3.5-style remote-code retriever (Argus, webAI ColVec1, Granite Vision
embedding): a Qwen3.5 config under its own model_type, so AutoModel needs trust_remote_code."""

from transformers import Qwen3_5Config


class ColVisionConfig(Qwen3_5Config):
    model_type = "colvision_standin"
