"""VLM2Vec-V2.0: a LoRA adapter on Qwen2-VL-2B-Instruct, last-token pooling, L2-normalised.

As the reference (mteb `vlm2vec_models.py`, VLM2VEC2Wrapper): the adapter is merged into the base model,
inputs are one prompt per item, "<|image_pad|> {instruction} {text}" (parts present only), left-padded,
with the per-task instructions the model defines (`TASK_PROMPTS`, image tasks only here) and the
checkpoint's own image budget (its processor's max_pixels, 28 * 28 * 1280 = 1,003,520 pixels: at smaller
budgets document text becomes unreadable); image+text inputs are encoded jointly (fusion "joint"); bf16
weights (precision "bf16").
"""

from __future__ import annotations

import json
from pathlib import Path

from mieb.errors import UsageError
from mieb.models.cards._folder import count_safetensors_parameters, read_json
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.vlm2vec:load"

_DOC_QUERY = "Find a document image that matches the given query:"
_DOC_DOC = "Understand the content of the provided document image."
# The model's own per-task instructions (query side, document side), as the reference lists them: document
# tasks only; other tasks get none, unlike the authors' evaluation (docs/deviations.md D16).
TASK_PROMPTS: dict[str, dict[str, str]] = {
    name: {"query": _DOC_QUERY, "document": _DOC_DOC}
    for name in (
        "VisRAGRetChartQA", "VisRAGRetInfoVQA", "VisRAGRetMPDocVQA", "VisRAGRetArxivQA", "VisRAGRetPlotQA",
        "VisRAGRetSlideVQA", "VidoreArxivQARetrieval", "VidoreDocVQARetrieval", "VidoreInfoVQARetrieval",
        "VidoreTabfquadRetrieval", "VidoreTatdqaRetrieval", "VidoreShiftProjectRetrieval",
        "VidoreSyntheticDocQAAIRetrieval", "VidoreSyntheticDocQAEnergyRetrieval",
        "VidoreSyntheticDocQAGovernmentReportsRetrieval", "VidoreSyntheticDocQAHealthcareIndustryRetrieval",
        "Vidore2ESGReportsRetrieval", "Vidore2EconomicsReportsRetrieval", "Vidore2BioMedicalLecturesRetrieval",
        "Vidore2ESGReportsHLRetrieval", "Vidore3FinanceEnRetrieval", "Vidore3FinanceEnRetrieval.v2",
        "Vidore3FinanceFrRetrieval", "Vidore3FinanceFrRetrieval.v2", "Vidore3IndustrialRetrieval",
        "Vidore3IndustrialRetrieval.v2", "Vidore3PharmaceuticalsRetrieval", "Vidore3PharmaceuticalsRetrieval.v2",
        "Vidore3ComputerScienceRetrieval", "Vidore3ComputerScienceRetrieval.v2", "Vidore3HrRetrieval",
        "Vidore3HrRetrieval.v2", "Vidore3EnergyRetrieval", "Vidore3EnergyRetrieval.v2", "Vidore3PhysicsRetrieval",
        "Vidore3PhysicsRetrieval.v2", "Vidore3NuclearRetrieval", "Vidore3NuclearRetrieval.v2",
        "Vidore3TelecomRetrieval", "Vidore3TelecomRetrieval.v2", "KoVidore2CybersecurityRetrieval",
        "KoVidore2EconomicRetrieval", "KoVidore2EnergyRetrieval", "KoVidore2HrRetrieval",
    )
}

VLM2VEC_CITATION = """@misc{meng2025vlm2vecv2advancingmultimodalembedding,
    title={VLM2Vec-V2: Advancing Multimodal Embedding for Videos, Images, and Visual Documents},
    author={Rui Meng and Ziyan Jiang and Ye Liu and Mingyi Su and Xinyi Yang and Yuepeng Fu and Can Qin and Zeyuan Chen and Ran Xu and Caiming Xiong and Yingbo Zhou and Wenhu Chen and Semih Yavuz},
    year={2025},
    eprint={2507.04590},
    archivePrefix={arXiv},
    primaryClass={cs.CV},
}"""

MODELS = [
    ModelMeta(
        name="VLM2Vec/VLM2Vec-V2.0",
        revision="e39ff079b8275ef876d3656da8c0bddbff3c4dde",
        loader=LOADER,
        family="vlm2vec",
        modalities=["image", "text"],
        n_parameters=2208985600,
        embed_dim=1536,
        precision="bf16",  # the reference loads the base in bfloat16 and merges the adapter into it
        fusion="joint",
        image=ImagePreprocessing(input="pil"),
        text=TextPreprocessing(max_length=None),
        loader_kwargs={"base_model": "Qwen/Qwen2-VL-2B-Instruct"},
        license="apache-2.0",
        release_date="2025-04-30",
        reference="https://huggingface.co/VLM2Vec/VLM2Vec-V2.0",
        framework=["PyTorch", "Transformers", "PEFT"],
        uses_instructions=True,
        extra="vlm2vec",
        citation=VLM2VEC_CITATION,
    )
]


def card_for_folder(path: Path) -> ModelMeta:
    """A card for a local PEFT adapter folder (`adapter_config.json`, processor files) on the Qwen2-VL base
    its `base_model_name_or_path` names (a hub id or a local folder, whose size then fills the card)."""
    from mieb.models.registry import folder_revision

    base = json.loads((path / "adapter_config.json").read_text())["base_model_name_or_path"]
    base_config = read_json(Path(base) / "config.json")
    model_type = base_config.get("model_type") if base_config else None
    if model_type != "qwen2_vl" and not (model_type is None and "qwen2-vl" in base.lower()):
        raise UsageError(f"{path}: an adapter on {base!r} ({model_type or 'unknown architecture'}); local "
                         "adapter folders load as VLM2Vec, which needs a Qwen2-VL base")
    text = base_config.get("text_config", base_config)
    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(Path(base)) if base_config else None,
        embed_dim=text.get("hidden_size"), loader_kwargs={**MODELS[0].loader_kwargs, "base_model": base},
        reference=str(path.resolve()), release_date=None, citation=None,
    ))
