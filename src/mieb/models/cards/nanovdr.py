"""NanoVDR-S-Multi (nanovdr; a 69M text student distilled from Qwen3-VL-Embedding-2B; single vector, cosine):
queries through the student, documents through the teacher. Facts are the reference's (mteb
`nanovdr_models.py`). See `mieb.models.wrappers.nanovdr`."""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

NANOVDR_CITATION = """@article{nanovdr2026,
  title={NanoVDR: Distilling a 2B Vision-Language Retriever into a 70M Text-Only Encoder for Visual Document Retrieval},
  author={Liu, Zhuchenyang and Zhang, Yao and Xiao, Yu},
  journal={arXiv preprint arXiv:2603.12824},
  year={2026}
}"""

MODELS = [
    ModelMeta(
        name="nanovdr/NanoVDR-S-Multi",
        revision="b21574d7772ca26e22525543a2a6bf7081a95d8f",
        loader="mieb.models.wrappers.nanovdr:load",
        family="nanovdr",
        modalities=["text", "image"],
        n_parameters=69_000_000,
        embed_dim=2048,
        similarity="cosine",
        fusion="joint",
        # rgb="keep": the reference hands the decoded image to the same qwen-vl-utils fetch_image as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        text=TextPreprocessing(max_length=None),
        # The teacher's revision: the reference's own card for Qwen/Qwen3-VL-Embedding-2B.
        loader_kwargs={"teacher": "Qwen/Qwen3-VL-Embedding-2B",
                       "teacher_revision": "9f2f7e710d6d81056aa5c0a4f04764fec6bb7bda", "teacher_dtype": "auto"},
        license="apache-2.0",
        release_date="2026-02-26",
        reference="https://huggingface.co/nanovdr/NanoVDR-S-Multi",
        languages=["eng-Latn", "deu-Latn", "fra-Latn", "spa-Latn", "ita-Latn", "por-Latn"],
        framework=["Sentence Transformers", "PyTorch"],
        # Queries and documents go through different models: the embedding cache keys on the prompt type.
        uses_instructions=True,
        extra="nanovdr",
        citation=NANOVDR_CITATION,
    )
]
