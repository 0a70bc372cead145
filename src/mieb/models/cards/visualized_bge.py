"""Visualized BGE (VISTA): BGE text encoders that read EVA02-CLIP image tokens, as the reference's
VisualizedBGEWrapper runs FlagEmbedding's `Visualized_BGE`.

Facts (names, revision, sizes, date) are the reference's (mteb `vista_models.py`). Both checkpoints are
files of BAAI/bge-visualized at the card's revision (Visualized_base_en_v1.5.pth: bge-base-en-v1.5 with
EVA02-CLIP-B/16; Visualized_m3.pth: bge-m3 with EVA02-CLIP-L/14), each holding every weight: BGE's
embeddings and encoder, the EVA vision tower and a linear `visual_proj`. The BGE configuration and tokenizer
come from BAAI/bge-base-en-v1.5 / BAAI/bge-m3 at the revisions the reference pins for those models.

As `Visualized_BGE` computes them (CLS pooling, L2-normalised):
- text: the BGE encoder on the text alone (truncated at the tokenizer's limit: 512 / 8192 tokens);
- image+text: [CLS], then the image's patch tokens (EVA's last block, before its final norm, without the
  EVA CLS token) through `visual_proj` plus BGE position embeddings 1..N and BGE's embedding LayerNorm,
  then the remaining text tokens at positions N+1.., all through the BGE encoder; the text is truncated
  to the tokenizer's limit minus the N = 196 / 256 image tokens;
- image: the same with an empty text ([CLS] [SEP]).
Images: shortest edge 224 (bicubic), centre crop 224, CLIP mean/std (EVA-CLIP's eval transform).

Where the reference departs (docs/deviations.md D23): its 2.26.24 loader passes the card name as the BGE model name, which
`Visualized_BGE` rejects, and calls BGE modules with transformers 4 arguments; the published results came
from the earlier wrapper that named bge-base-en-v1.5 / bge-m3, whose computation mieb reproduces with
transformers 5 modules and timm's EVA02 (identical to FlagEmbedding's EVA tower: checked to 1e-6 on a tiny
random tower through timm's own EVA-CLIP checkpoint conversion). FlagEmbedding's `visual_bge` is not on
PyPI (FlagEmbedding 1.2.x ships an incomplete copy that does not import under transformers 5).
"""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

VISTA_CITATION = """@article{zhou2024vista,
  title={VISTA: Visualized Text Embedding For Universal Multi-Modal Retrieval},
  author={Zhou, Junjie and Liu, Zheng and Xiao, Shitao and Zhao, Bo and Xiong, Yongping},
  journal={arXiv preprint arXiv:2406.04292},
  year={2024}
}"""


def _vista(name: str, n_parameters: int, embed_dim: int, memory_usage_mb: int, languages: list[str],
           **loader_kwargs: object) -> ModelMeta:
    return ModelMeta(
        name=name,
        revision="98db10b10d22620010d06f11733346e1c98c34aa",
        loader="mieb.models.wrappers.visualized_bge:load",
        family="visualized-bge",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        fusion="joint",
        # rgb="convert_last": EVA-CLIP's eval transform (Visualized_BGE's preprocess_val) converts to RGB after
        # Resize and CenterCrop, as open_clip's does.
        image=ImagePreprocessing(size=224, crop_size=224, interpolation="bicubic", crop_rounding="round",
                                 rgb="convert_last"),
        # Truncation at the BGE tokenizer's own limit (the joint input leaves room for the image tokens).
        text=TextPreprocessing(max_length=None),
        weights="BAAI/bge-visualized",
        loader_kwargs=loader_kwargs,
        languages=languages,
        reference="https://huggingface.co/BAAI/bge-visualized",
        framework=["PyTorch", "timm", "Transformers"],
        extra="timm",
        citation=VISTA_CITATION,
        memory_usage_mb=memory_usage_mb,
    )


MODELS = [
    _vista("BAAI/bge-visualized-base", 196_000_000, 768, 1631, ["eng-Latn"],
           weights_file="Visualized_base_en_v1.5.pth", text_model="BAAI/bge-base-en-v1.5",
           text_revision="a5beb1e3e68b9ab74eb54cfd186867f64f240e1a", timm_model="eva02_base_patch16_clip_224"),
    _vista("BAAI/bge-visualized-m3", 872_909_505, 1024, 4263, ["eng-Latn"],
           weights_file="Visualized_m3.pth", text_model="BAAI/bge-m3",
           text_revision="5617a9f61b028005a4858fdac845db406aefb181", timm_model="eva02_large_patch14_clip_224"),
]
