"""Stand-in configuration of an NVIDIA ColEmbed checkpoint: a Qwen3.5 config under its own model_type."""

from transformers import Qwen3_5Config


class ColEmbedConfig(Qwen3_5Config):
    model_type = "colembed_standin"
