"""The embedding cache: content-addressed, on disk, shared by every task a model runs."""

from mieb.cache.keys import image_key, model_fingerprint, text_key
from mieb.cache.store import EmbeddingCache, EmbeddingStore

__all__ = ["EmbeddingCache", "EmbeddingStore", "image_key", "model_fingerprint", "text_key"]
