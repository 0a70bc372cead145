"""Model cards: what a model is and how its inputs must be prepared, as validated data.

Preprocessing lives on the card (like timm's pretrained config) because the framework, not the
wrapper, decodes and resizes images in DataLoader workers: the card tells it how.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mieb.importing import check_object_path
from mieb.paths import model_folder_name, safe_component

Modality = Literal["image", "text"]
Similarity = Literal["cosine", "dot", "max_sim"]
Interpolation = Literal["nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"]
# How the decoded image becomes RGB, as the model family's own preprocessing does it (ImagePreprocessing.rgb).
RGBConversion = Literal["white", "convert_white", "convert", "convert_last", "keep"]
# "fp32": float32 weights and compute. "fp16" / "bf16": the weights (and floating inputs) in that dtype.
# "fp16-mixed" / "bf16-mixed": float32 weights under torch.autocast to that dtype (mixed precision).
Precision = Literal["fp32", "fp16", "bf16", "fp16-mixed", "bf16-mixed"]
PRECISIONS: tuple[str, ...] = ("fp32", "fp16", "bf16", "fp16-mixed", "bf16-mixed")

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
HALF = (0.5, 0.5, 0.5)


class ImagePreprocessing(BaseModel):
    """How an image becomes model input.

    `input="tensor"`: decode, convert to RGB, resize (`resize="shortest_edge"`: shortest edge to `size`,
    the long edge `int(size * long / short)`, as Hugging Face image processors do; `"square"`: to
    size x size), centre-crop to `crop_size` (top/left offsets floor((H-c)/2), zero padding when smaller),
    all in uint8 with PIL; then on the device `(x / 255 - mean) / std`. This reproduces the Hugging Face
    "slow" (PIL) image processors pixel for pixel. `crop_rounding="round"` places the crop at
    round((H-c)/2) (Python rounding) as torchvision's CenterCrop does (open_clip, timm pipelines).
    `input="pil"` / `"bytes"` hand decoded RGB PIL images / the raw encoded bytes to the wrapper, for
    models with their own dynamic-resolution processors or remote APIs.

    `rgb`: how the decoded image (`mieb.data.images.open_image`, `datasets`' decode) becomes RGB, as the
    reference's preprocessing for the family does it. "white": transparency composited onto white, then RGB,
    before resizing (transformers 5's image processors, `convert_to_rgb`). "convert_white":
    `Image.convert("RGB")` (alpha dropped), then "white", which still applies where the conversion kept a
    transparency colour (a wrapper converting before a transformers processor: mteb's SigLIP wrapper,
    colpali_engine). "convert": `convert("RGB")` only. "convert_last": resize and crop in the decoded mode,
    then `convert("RGB")` (open_clip's torchvision transform; tensor input only). "keep": the decoded image
    as it is, for checkpoints whose own code converts (PIL input only).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: Literal["tensor", "pil", "bytes"] = "tensor"
    size: int = 224
    resize: Literal["shortest_edge", "square"] = "shortest_edge"
    crop_size: int | None = 224
    interpolation: Interpolation = "bicubic"
    crop_rounding: Literal["floor", "round"] = "floor"
    mean: tuple[float, float, float] = CLIP_MEAN
    std: tuple[float, float, float] = CLIP_STD
    rgb: RGBConversion = "white"

    @model_validator(mode="after")
    def _rgb_fits_input(self) -> ImagePreprocessing:
        if self.rgb == "convert_last" and self.input != "tensor":
            raise ValueError('rgb="convert_last" converts after mieb resizes: it needs input="tensor"')
        if self.rgb == "keep" and self.input != "pil":
            raise ValueError('rgb="keep" hands the decoded image to the wrapper: it needs input="pil"')
        return self


class TextPreprocessing(BaseModel):
    """How a wrapper tokenises text. `max_length=None`: the tokenizer's own `model_max_length`, for
    models whose reference wrapper truncates there without naming a length."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_length: int | None = 77
    padding: Literal["longest", "max_length"] = "longest"


class ModelMeta(BaseModel):
    """A model card: what a model is, how its inputs are prepared and how it is loaded (mteb's `ModelMeta`,
    plus the preprocessing the framework applies). Recipe: docs/contributing.md.

    Fields:
        name: the Hub id (or "local/<folder>" for a checkpoint folder); results go to
            `results/<name with "/" as "__">/<revision>/`.
        revision: the checkpoint's commit sha (None only for local or API models without one).
        loader: "package.module:callable" building the wrapper (`Encoder`), imported only when the model
            is loaded (`get_model`); it receives the card, device, precision and `loader_kwargs`.
        family: the wrapper family ("clip", "siglip", ...), for listing and filtering.
        modalities: what the model encodes ("image", "text").
        n_parameters: parameter count (the safetensors headers' total), None if unknown.
        embed_dim: embedding size d of the (N, d) outputs (per token for multi-vector models).
        similarity: "cosine", "dot", or "max_sim" (multi-vector late interaction, `MultiVector` outputs).
        precision: the default precision on CUDA, the one the reference runs the family in (e.g.
            "fp16-mixed" for open_clip models, which the reference encodes under autocast; "bf16" for
            VLM2Vec, whose weights it loads in bfloat16). Off CUDA the default is fp32 (see
            `mieb.models.encoder.resolve_precision`); `get_model(precision=...)` / `--precision` override it.
        fusion: how image+text inputs become one embedding: "sum" of the two embeddings, "joint" (the
            model's own `encode_fused`), "concat" (multi-vector token sets joined per item), None if the
            model cannot embed them.
        image: how the framework decodes, resizes, crops and normalises images (`ImagePreprocessing`).
        text: how the wrapper tokenises text (`TextPreprocessing`).
        weights: what `from_pretrained` gets when it is not `name`: a local folder, or "bundled:<folder>"
            for weights shipped in the package.
        loader_kwargs: extra keyword arguments for `loader` (e.g. an API model's provider name).
        license, release_date, reference, citation: the model's, as published.
        languages: languages of its text side (ISO 639-3 + script).
        framework: what it runs on ("PyTorch", "Transformers", "API", ...).
        open_weights: False for API-only models.
        training_datasets: the MIEB tasks whose data the model was trained on (the reference's
            `ModelMeta.get_training_datasets()`: its card's training data, that of the model it was adapted
            from and the tasks the reference lists as similar, kept where they name a MIEB task); `[]`: none
            of them; None: unknown. Cards without their own get the reference's, from
            `models/data/training_facts.json` (scripts/build_training_facts.py). The leaderboard's
            zero-shot filter reads it.
        public_training_data, public_training_code: a URL, True/False, or None (unknown), as the reference's
            model cards give them.
        uses_instructions: embeddings depend on the task or prompt type (`EncodeContext`); the embedding
            cache then keys on them.
        trust_remote_code: the checkpoint runs code from its repository; loading needs the user's consent.
        extra: the pip extra installing its backend (`pip install 'mieb[<extra>]'`), checked before loading.
        memory_usage_mb: the weights' size in MiB at float32 (the reference's `memory_usage_mb`): what a
            device needs before activations.
        unavailable: why the model cannot be run, for cards kept so that published results resolve to
            them; `get_model` refuses with this text before anything is imported or downloaded.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", protected_namespaces=())

    name: str
    revision: str | None
    loader: str
    family: str
    modalities: list[Modality] = Field(min_length=1)
    n_parameters: int | None = None
    embed_dim: int | None = None
    similarity: Similarity = "cosine"
    precision: Precision = "fp32"
    fusion: Literal["sum", "joint", "concat"] | None = "sum"
    image: ImagePreprocessing | None = None
    text: TextPreprocessing | None = None
    weights: str | None = None
    loader_kwargs: dict[str, Any] = Field(default_factory=dict)
    license: str | None = None
    release_date: str | None = None
    reference: str | None = None
    languages: list[str] = Field(default_factory=lambda: ["eng-Latn"])
    framework: list[str] = Field(default_factory=lambda: ["PyTorch"])
    open_weights: bool = True
    training_datasets: list[str] | None = None
    public_training_data: str | bool | None = None
    public_training_code: str | bool | None = None
    uses_instructions: bool = False
    trust_remote_code: bool = False
    extra: str | None = None
    citation: str | None = None
    memory_usage_mb: int | None = None
    unavailable: str | None = None

    @field_validator("name")
    @classmethod
    def _name_is_a_folder_name(cls, v: str) -> str:
        model_folder_name(v)  # results land in <output>/<folder name>/: refuse names that would escape it
        return v

    @field_validator("revision")
    @classmethod
    def _revision_is_a_folder_name(cls, v: str | None) -> str | None:
        return None if v is None else safe_component(v, "model revision")

    @field_validator("loader")
    @classmethod
    def _loader_path(cls, v: str) -> str:
        return check_object_path(v)

    @property
    def weights_source(self) -> str:
        """What `from_pretrained` is given: a hub id (the name by default), a local or bundled folder."""
        return self.weights or self.name

    @property
    def folder_name(self) -> str:
        """The results folder name, as the reference writes it (checked by `mieb.paths.safe_component`)."""
        return model_folder_name(self.name)

    @property
    def revision_folder(self) -> str:
        """The revision's results folder name; the reference's `no_revision_available` when there is none."""
        return safe_component(self.revision or "no_revision_available", "model revision")

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
