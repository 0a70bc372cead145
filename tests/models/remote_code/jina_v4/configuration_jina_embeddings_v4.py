"""Stand-in configuration of jina-embeddings-v4: a Qwen3.5 config under its own model_type."""

from transformers import Qwen3_5Config


class JinaEmbeddingsV4Config(Qwen3_5Config):
    model_type = "jina_embeddings_v4_standin"
