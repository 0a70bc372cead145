"""NVIDIA Llama NemoRetriever ColEmbed v1 and Nemotron ColEmbed VL v2 (multi-vector, MaxSim) through their
remote code (`trust_remote_code`). Facts are the reference's (mteb `nvidia_nemotron_vl_models.py`); revisions
are the published results' (the reference's cards name later commits: docs/deviations.md D19). The reference's environments for
them also install flash-attn (CUDA only); mieb asks transformers for its default attention instead. See
`mieb.models.wrappers.nvidia_colembed`."""

from __future__ import annotations

from mieb.models.meta import ImagePreprocessing, ModelMeta

COLEMBED_V1_CITATION = """@misc{xu2025llamanemoretrievercolembedtopperforming,
  title={Llama Nemoretriever Colembed: Top-Performing Text-Image Retrieval Model},
  author={Mengyao Xu and Gabriel Moreira and Ronay Ak and Radek Osmulski and Yauhen Babakhin and Zhiding Yu and Benedikt Schifferer and Even Oldridge},
  year={2025},
  eprint={2507.05513},
  archivePrefix={arXiv},
  primaryClass={cs.CV},
  url={https://arxiv.org/abs/2507.05513}
}"""

COLEMBED_V2_CITATION = """@misc{moreira2026nemotroncolembedv2topperforming,
  title={Nemotron ColEmbed V2: Top-Performing Late Interaction embedding models for Visual Document Retrieval},
  author={Gabriel de Souza P. Moreira and Ronay Ak and Mengyao Xu and Oliver Holworthy and Benedikt Schifferer and Zhiding Yu and Yauhen Babakhin and Radek Osmulski and Jiarui Cai and Ryan Chesler and Bo Liu and Even Oldridge},
  year={2026},
  eprint={2602.03992},
  archivePrefix={arXiv},
  primaryClass={cs.IR},
  url={https://arxiv.org/abs/2602.03992},
}"""


def _colembed(name: str, revision: str, release_date: str, n_parameters: int, embed_dim: int,
              citation: str, license_of: str | None = None) -> ModelMeta:
    v1 = citation is COLEMBED_V1_CITATION
    return ModelMeta(
        name=name,
        revision=revision,
        loader="mieb.models.wrappers.nvidia_colembed:load",
        family="nemotron-colembed",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=embed_dim,
        similarity="max_sim",
        precision="bf16",  # the reference loads the weights with torch_dtype=bfloat16
        fusion=None,
        # rgb="keep": the reference hands the decoded image to the same model.forward_images as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        license=f"https://huggingface.co/{license_of or name}/blob/main/LICENSE",
        release_date=release_date,
        reference=f"https://huggingface.co/{name}",
        framework=["PyTorch", "Transformers", "safetensors"],
        trust_remote_code=True,
        # The remote code is written for transformers 4.49 (v1) / 5.0 (v2): the extras pin them, as the reference.
        extra="nemotron-colembed-v1" if v1 else "nemotron-colembed-v2",
        citation=citation,
    )


MODELS = [
    _colembed("nvidia/llama-nemoretriever-colembed-1b-v1", "1f0fdea7f5b19532a750be109b19072d719b8177",
              "2025-06-27", 2_418_000_000, 2048, COLEMBED_V1_CITATION),
    _colembed("nvidia/llama-nemoretriever-colembed-3b-v1", "50c36f4d5271c6851aa08bd26d69f6e7ca8b870c",
              "2025-06-27", 4_407_000_000, 3072, COLEMBED_V1_CITATION,
              license_of="nvidia/llama-nemoretriever-colembed-1b-v1"),  # the published card names the 1b's
    _colembed("nvidia/llama-nemotron-colembed-vl-3b-v2", "75f03c712cb3a252e062295f9a0966e5d95d6156",
              "2026-01-21", 4_407_000_000, 3072, COLEMBED_V2_CITATION),
    _colembed("nvidia/nemotron-colembed-vl-4b-v2", "823b1625c15fe3da73fa094205e538a7a2301a2a",
              "2026-01-07", 4_800_000_000, 2560, COLEMBED_V2_CITATION),
    _colembed("nvidia/nemotron-colembed-vl-8b-v2", "6cbe43579dda6237768fc373768ad372cc5cdfec",
              "2026-01-07", 8_700_000_000, 4096, COLEMBED_V2_CITATION),
]
