"""Cards whose reference preprocessing is a torchvision transform converting to RGB after Resize and CenterCrop
(rgb="convert_last"): EBind (Perception Encoder's `get_image_transform(336, center_crop=True)`) and Visualized
BGE (EVA-CLIP's eval `image_transform`, Visualized_BGE's `preprocess_val`). Each card's pipeline, at a small
size, equals that transform written out with torchvision on what `datasets` decodes, on the awkward-file
corpus (palette images resample nearest, alpha images premultiplied: the order of resize and conversion
changes pixels). Needs torchvision (the extras environment).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

pytest.importorskip("torchvision")
pytestmark = pytest.mark.extras

from datasets import Dataset, Features  # noqa: E402
from datasets import Image as HFImage  # noqa: E402
from image_corpus import DATASETS_FAILS, corpus  # noqa: E402

from mieb.data.images import prepare  # noqa: E402
from mieb.models.meta import ImagePreprocessing  # noqa: E402
from mieb.models.registry import get_model_meta  # noqa: E402

SIZE = 32


def upstream_transform(pp: ImagePreprocessing) -> object:
    from torchvision import transforms as T

    interpolation = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC}
    return T.Compose([T.Resize(SIZE, interpolation=interpolation[pp.interpolation]), T.CenterCrop(SIZE),
                      T.Lambda(lambda img: img.convert("RGB")), T.ToTensor(), T.Normalize(pp.mean, pp.std)])


@pytest.mark.parametrize("name", ["encord-team/ebind-full", "BAAI/bge-visualized-base"])
def test_card_pipeline_equals_the_upstream_transform(name: str) -> None:
    card = get_model_meta(name).image
    assert card is not None and card.rgb == "convert_last" and card.crop_rounding == "round"
    pp = card.model_copy(update={"size": SIZE, "crop_size": SIZE})
    transform = upstream_transform(pp)
    files = {k: v for k, v in corpus().items() if k not in DATASETS_FAILS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's "Corrupt EXIF data" warnings
        rows = Dataset.from_dict({"image": [{"bytes": b, "path": None} for b in files.values()]},
                                 features=Features({"image": HFImage()}))
        decoded = [rows[i]["image"] for i in range(len(files))]
    mean, std = torch.tensor(pp.mean).view(3, 1, 1), torch.tensor(pp.std).view(3, 1, 1)
    for (file, data), ref_img in zip(files.items(), decoded, strict=True):
        ours = (torch.from_numpy(prepare({"bytes": data, "path": None}, pp)).float() / 255.0 - mean) / std
        np.testing.assert_allclose(ours.numpy(), transform(ref_img).numpy(), atol=2e-6, err_msg=file)  # type: ignore[operator]
