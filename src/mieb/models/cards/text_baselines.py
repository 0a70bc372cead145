"""Text-only baselines the reference runs on MIEB's text tasks (published: WebQAT2TRetrieval), through
`sentence-transformers` (the `sentence-transformers` extra). Facts are the reference's (mteb 2.26.24 cards
and wrappers); revisions are the published results'. See `mieb.models.wrappers.sentence_transformers`.

Text-only models can run only where both sides of a task are text: image tasks are refused before any data
is read, as the reference's modality check does. BM25 (`mieb.models.cards.bm25`) is the one text baseline
the reference also runs on image+text tasks, on their text alone.
"""

from __future__ import annotations

from mieb.models.cards._languages import (
    F2LLM_V2_LANGUAGES,
    POTION_MULTILINGUAL_LANGUAGES,
    STATIC_MULTILINGUAL_LANGUAGES,
    XLMR_LANGUAGES,
)
from mieb.models.meta import ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.sentence_transformers:load"


def _st(name: str, revision: str, *, release_date: str, n_parameters: int, embed_dim: int, license: str,
        languages: list[str], loader_kwargs: dict | None = None, citation: str | None = None,
        precision: str = "fp32") -> ModelMeta:
    return ModelMeta(
        name=name,
        revision=revision,
        loader=LOADER,
        family="sentence-transformers",
        modalities=["text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        precision=precision,
        fusion=None,
        text=TextPreprocessing(max_length=None),
        loader_kwargs=loader_kwargs or {},
        license=license,
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        languages=languages,
        framework=["Sentence Transformers", "PyTorch"],
        # Queries and documents get different prompts: the embedding cache keys on the prompt type.
        uses_instructions=True,
        extra="sentence-transformers",
        citation=citation,
    )


MULTILINGUAL_E5_CITATION = """@article{wang2024multilingual,
  title={Multilingual E5 Text Embeddings: A Technical Report},
  author={Wang, Liang and Yang, Nan and Huang, Xiaolong and Yang, Linjun and Majumder, Rangan and Wei, Furu},
  journal={arXiv preprint arXiv:2402.05672},
  year={2024}
}"""

# F2LLM-v2's instruction table in the reference keys most instructions by text-task names and types that no
# MIEB task has; these are the entries a MIEB task can reach (its retrieval queries and documents).
F2LLM_V2_PROMPTS = {"query": "Given a question, retrieve passages that can help answer the question.",
                    "document": ""}

MODELS = [
    _st("intfloat/multilingual-e5-small", "fd1525a9fd15316a2d503bf26ab031a61d056e98", release_date="2024-02-08",
        n_parameters=118_000_000, embed_dim=384, license="mit", languages=XLMR_LANGUAGES,
        loader_kwargs={"model_prompts": {"query": "query: ", "document": "passage: "}},
        citation=MULTILINGUAL_E5_CITATION),
    _st("minishlab/potion-multilingual-128M", "38ebd7f10f71e67fa8db898290f92b82e9cfff2a",
        release_date="2025-05-23", n_parameters=128_000_000, embed_dim=256, license="mit",
        languages=POTION_MULTILINGUAL_LANGUAGES),
    # The reference runs it on the CPU whatever the device ("CPU is just as quick, if not quicker").
    _st("sentence-transformers/static-similarity-mrl-multilingual-v1", "7264ea07c5365a11d7e6d87dbb6195889a13054f",
        release_date="2025-01-15", n_parameters=108_420_096, embed_dim=1024, license="apache-2.0",
        languages=STATIC_MULTILINGUAL_LANGUAGES, loader_kwargs={"run_on": "cpu"}),
    _st("codefuse-ai/F2LLM-v2-80M", "35baae5091e26211dbe628f1723448c146fafdf2", release_date="2026-03-09",
        n_parameters=80_084_288, embed_dim=320, license="apache-2.0", languages=F2LLM_V2_LANGUAGES,
        loader_kwargs={"instruction_template": "Instruct: {instruction}\nQuery: ", "prompts_dict": F2LLM_V2_PROMPTS,
                       "apply_instruction_to_passages": False, "add_eos_token": True, "max_seq_length": 8192},
        precision="bf16"),  # the reference loads the weights with torch_dtype=bfloat16
]
