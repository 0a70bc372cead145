"""SauerkrautLM ColQwen3 / ColLFM2 / ColMinistral3 (VAGOsolutions; multi-vector, MaxSim) through their own
package, `sauerkrautlm-colpali` (the `sauerkraut` extra).

As the reference (mteb `SLMColQwen3Wrapper`, `SLMColLFM2Wrapper`, `SLMColMinistral3Wrapper`): the package's
model and processor classes at the card's revision in bf16, queries through `process_queries`, pages through
`process_images`. The package's loaders drop the revision (ColLFM2 downloads the hub's latest snapshot itself,
ColMinistral3's processor ignores it, and the reference passes none for ColMinistral3): mieb downloads the
published revision and hands the package that folder (`local_snapshot`; docs/deviations.md D19). The reference adds the text and image token tensors of image+text inputs element-wise, which is
no fusion: mieb refuses such inputs instead (docs/deviations.md D18).
"""

from __future__ import annotations

from mieb.models.cards.colpali import COLPALI_CITATION
from mieb.models.meta import ImagePreprocessing, ModelMeta

LANGUAGES = ["eng-Latn", "deu-Latn", "fra-Latn", "spa-Latn", "ita-Latn", "por-Latn"]
PACKAGE = "sauerkrautlm_colpali.models"
CLASSES = {
    "colqwen3": (f"{PACKAGE}.qwen3.colqwen3:ColQwen3", f"{PACKAGE}.qwen3.colqwen3:ColQwen3Processor"),
    "collfm2": (f"{PACKAGE}.lfm2.collfm2:ColLFM2", f"{PACKAGE}.lfm2.collfm2:ColLFM2Processor"),
    "colministral3": (f"{PACKAGE}.ministral3.colministral3:ColMinistral3",
                      f"{PACKAGE}.ministral3.colministral3:ColMinistral3Processor"),
}


def _slm(name: str, kind: str, revision: str, n_parameters: int, license: str = "apache-2.0") -> ModelMeta:
    model_class, processor_class = CLASSES[kind]
    return ModelMeta(
        name=f"VAGOsolutions/{name}",
        revision=revision,
        loader="mieb.models.wrappers.colprocessor:load",
        family="sauerkraut-colpali",
        modalities=["image", "text"],
        n_parameters=n_parameters,
        embed_dim=128,
        similarity="max_sim",
        precision="bf16",  # the reference loads the weights with torch_dtype=bfloat16
        fusion=None,
        # rgb="keep": the reference hands the decoded image to the same processor.process_images as mieb's
        # wrapper, which converts it to RGB in both (tests/test_decode.py).
        image=ImagePreprocessing(input="pil", rgb="keep"),
        loader_kwargs={"model_class": model_class, "processor_class": processor_class, "local_snapshot": True},
        license=license,
        release_date="2025-12-20",
        reference=f"https://huggingface.co/VAGOsolutions/{name}",
        languages=LANGUAGES,
        framework=["PyTorch", "ColPali"],
        extra="sauerkraut",
        citation=COLPALI_CITATION,
    )


MODELS = [
    _slm("SauerkrautLM-ColQwen3-1.7b-Turbo-v0.1", "colqwen3", "19c295a18e057d6d82754f627c09408117ffdb66",
         1_756_572_288),
    _slm("SauerkrautLM-ColQwen3-2b-v0.1", "colqwen3", "48f699713c10af754684e12060a2af9266462cc9", 2_127_794_304),
    _slm("SauerkrautLM-ColQwen3-4b-v0.1", "colqwen3", "b635fbb3ab145f07608ed10a85def33544de1723", 4_438_143_616),
    _slm("SauerkrautLM-ColQwen3-8b-v0.1", "colqwen3", "36ac136e451a7b8d8229725d69d4ec23aa4f03c8", 8_145_318_256),
    _slm("SauerkrautLM-ColLFM2-450M-v0.1", "collfm2", "a65223fd6633f331ccff4483e47575c3c620dc60", 450_953_856,
         license="https://huggingface.co/LiquidAI/LFM2-VL-450M/blob/main/LICENSE"),
    _slm("SauerkrautLM-ColMinistral3-3b-v0.1", "colministral3", "54aa3ffbbce20471fdcc4afc07d13989c65e71b8",
         4_252_136_448),
]
