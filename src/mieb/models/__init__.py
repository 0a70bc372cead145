"""Models: cards (`cards/`), the encoder interface (`encoder.py`) and one wrapper module per family."""

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing
from mieb.models.registry import get_model, get_model_meta, get_model_metas, model_names

__all__ = [
    "ImagePreprocessing",
    "ModelMeta",
    "TextPreprocessing",
    "get_model",
    "get_model_meta",
    "get_model_metas",
    "model_names",
]
