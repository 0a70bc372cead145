"""E5-V (royokong/e5-v): LLaVA-NeXT (Llama-3 8B) embeddings from the last token's final hidden state.

Prompts are the reference's (mteb `e5_v.py`): text "<sent>\\nSummary above sentence in one word: ", image
"<image>\\nSummary above image in one word: ", and image+text jointly (fusion "joint") with the composed
prompt '[INST] <image> Modify this image with "{text}" Describe modified image in one word: [/INST]',
each inside the Llama-3 chat template. LLaVA-NeXT's own processor handles any-resolution tiling, so
images reach the wrapper as PIL images.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mieb.models.cards._folder import count_safetensors_parameters
from mieb.models.meta import ImagePreprocessing, ModelMeta, TextPreprocessing

LOADER = "mieb.models.wrappers.e5v:load"

E5_V_CITATION = """@article{jiang2024e5v,
      title={E5-V: Universal Embeddings with Multimodal Large Language Models},
      author={Jiang, Ting and Song, Minghui and Zhang, Zihan and Huang, Haizhen and Deng, Weiwei and Sun, Feng and Zhang, Qi and Wang, Deqing and Zhuang, Fuzhen},
      journal={arXiv preprint arXiv:2407.12580},
      year={2024}
}"""

MODELS = [
    ModelMeta(
        name="royokong/e5-v",
        revision="0c1f22679417b3ae925d779442221c40cd1861ab",
        loader=LOADER,
        family="e5-v",
        modalities=["image", "text"],
        n_parameters=8355276800,
        embed_dim=4096,
        fusion="joint",
        image=ImagePreprocessing(input="pil"),
        text=TextPreprocessing(max_length=None),
        license=None,
        release_date="2024-07-17",
        reference="https://huggingface.co/royokong/e5-v",
        framework=["PyTorch", "Transformers"],
        # The reference's card says use_instructions=True, but the model reads fixed per-modality prompts, not task instructions: its
        # embeddings do not depend on the task, so they are cached across tasks.
        uses_instructions=False,
        citation=E5_V_CITATION,
    )
]


def card_for_folder(path: Path, config: dict[str, Any]) -> ModelMeta:
    """A card for a local `LlavaNextForConditionalGeneration` folder with its LlavaNextProcessor."""
    from mieb.models.registry import folder_revision

    return MODELS[0].model_copy(update=dict(
        name=f"local/{path.resolve().name}", revision=folder_revision(path), weights=str(path.resolve()),
        n_parameters=count_safetensors_parameters(path),
        embed_dim=config.get("text_config", {}).get("hidden_size"), reference=str(path.resolve()),
        license=None, release_date=None, citation=None,
    ))
