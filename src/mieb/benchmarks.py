"""Benchmarks: named, fixed task lists (`get_benchmark`, `get_benchmarks`)."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from mieb.errors import UnknownNameError
from mieb.tasks.task import Task


class Benchmark(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    task_names: tuple[str, ...]
    description: str
    reference: str | None = None
    citation: str | None = None

    @property
    def tasks(self) -> list[Task]:
        from mieb.tasks.registry import get_tasks

        return get_tasks(tasks=self.task_names)

    def __len__(self) -> int:
        return len(self.task_names)


@cache
def _benchmarks() -> dict[str, Benchmark]:
    out: dict[str, Benchmark] = {}
    for b in _definitions():
        if b.name in out:
            raise ValueError(f"duplicate benchmark name {b.name!r}")
        out[b.name] = b
    return out


def get_benchmark(name: str) -> Benchmark:
    """A benchmark by name, matched without regard to case ("mieb(lite)" is MIEB(lite)); raises
    `UnknownNameError` (with close matches) for an unknown name."""
    benchmarks = _benchmarks()
    if name in benchmarks:
        return benchmarks[name]
    folded = {b.casefold(): b for b in benchmarks}
    if name.casefold() in folded:
        return benchmarks[folded[name.casefold()]]
    raise UnknownNameError("benchmark", name, benchmarks)


def get_benchmarks(names: list[str] | None = None) -> list[Benchmark]:
    if names is None:
        return list(_benchmarks().values())
    return [get_benchmark(n) for n in names]


MIEB_CITATION = r"""
@inproceedings{xiao2025mieb,
  author = {Xiao, Chenghao and Chung, Isaac and Kerboua, Imene and Stirling, Jamie and Zhang, Xin and Kardos, M\'arton and Solomatin, Roman and Al Moubayed, Noura and Enevoldsen, Kenneth and Muennighoff, Niklas},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)},
  month = {October},
  pages = {22187-22198},
  title = {MIEB: Massive Image Embedding Benchmark},
  year = {2025},
}
"""
MIEB_PAPER = "https://arxiv.org/abs/2504.10471"

# The reference's task lists, in its order. MIEB(eng) and MIEB(Multilingual) share the first 123 tasks.
_LINEAR_PROBE = (
    "Birdsnap", "Caltech101", "CIFAR10", "CIFAR100", "Country211", "DTD", "EuroSAT", "FER2013", "FGVCAircraft",
    "Food101Classification", "GTSRB", "Imagenet1k", "MNIST", "OxfordFlowersClassification", "OxfordPets",
    "PatchCamelyon", "RESISC45", "StanfordCars", "STL10", "SUN397", "UCF101", "VOC2007",
)
_CLUSTERING = ("CIFAR10Clustering", "CIFAR100Clustering", "ImageNetDog15Clustering", "ImageNet10Clustering",
               "TinyImageNetClustering")
_RENDERED_STS = ("STS12VisualSTS", "STS13VisualSTS", "STS14VisualSTS", "STS15VisualSTS", "STS16VisualSTS")
MIEB_COMMON = (
    *_LINEAR_PROBE, *_CLUSTERING,
    "BirdsnapZeroShot", "Caltech101ZeroShot", "CIFAR10ZeroShot", "CIFAR100ZeroShot", "CLEVRZeroShot",
    "CLEVRCountZeroShot", "Country211ZeroShot", "DTDZeroShot", "EuroSATZeroShot", "FER2013ZeroShot",
    "FGVCAircraftZeroShot", "Food101ZeroShot", "GTSRBZeroShot", "Imagenet1kZeroShot", "MNISTZeroShot",
    "OxfordPetsZeroShot", "PatchCamelyonZeroShot", "RenderedSST2", "RESISC45ZeroShot", "StanfordCarsZeroShot",
    "STL10ZeroShot", "SUN397ZeroShot", "UCF101ZeroShot",
    "BLINKIT2IMultiChoice", "BLINKIT2TMultiChoice", "CVBenchCount", "CVBenchRelation", "CVBenchDepth",
    "CVBenchDistance",
    "AROCocoOrder", "AROFlickrOrder", "AROVisualAttribution", "AROVisualRelation", "SugarCrepe", "Winoground",
    "ImageCoDe",
    *_RENDERED_STS,
    "BLINKIT2IRetrieval", "BLINKIT2TRetrieval", "CIRRIT2IRetrieval", "CUB200I2IRetrieval", "EDIST2ITRetrieval",
    "Fashion200kI2TRetrieval", "Fashion200kT2IRetrieval", "FashionIQIT2IRetrieval", "Flickr30kI2TRetrieval",
    "Flickr30kT2IRetrieval", "FORBI2IRetrieval", "GLDv2I2IRetrieval", "GLDv2I2TRetrieval", "HatefulMemesI2TRetrieval",
    "HatefulMemesT2IRetrieval", "ImageCoDeT2IRetrieval", "InfoSeekIT2ITRetrieval", "InfoSeekIT2TRetrieval",
    "MemotionI2TRetrieval", "MemotionT2IRetrieval", "METI2IRetrieval", "MSCOCOI2TRetrieval", "MSCOCOT2IRetrieval",
    "NIGHTSI2IRetrieval", "OVENIT2ITRetrieval", "OVENIT2TRetrieval", "ROxfordEasyI2IRetrieval",
    "ROxfordMediumI2IRetrieval", "ROxfordHardI2IRetrieval", "RP2kI2IRetrieval", "RParisEasyI2IRetrieval",
    "RParisMediumI2IRetrieval", "RParisHardI2IRetrieval", "SciMMIRI2TRetrieval", "SciMMIRT2IRetrieval",
    "SketchyI2IRetrieval", "SOPI2IRetrieval", "StanfordCarsI2IRetrieval", "TUBerlinT2IRetrieval",
    "VidoreArxivQARetrieval", "VidoreDocVQARetrieval", "VidoreInfoVQARetrieval", "VidoreTabfquadRetrieval",
    "VidoreTatdqaRetrieval", "VidoreShiftProjectRetrieval", "VidoreSyntheticDocQAAIRetrieval",
    "VidoreSyntheticDocQAEnergyRetrieval", "VidoreSyntheticDocQAGovernmentReportsRetrieval",
    "VidoreSyntheticDocQAHealthcareIndustryRetrieval", "VisualNewsI2TRetrieval", "VisualNewsT2IRetrieval",
    "VizWizIT2TRetrieval", "VQA2IT2TRetrieval", "WebQAT2ITRetrieval", "WebQAT2TRetrieval",
)
MIEB_ENG = (*MIEB_COMMON, "VisualSTS17Eng", "VisualSTS-b-Eng")
MIEB_MULTILINGUAL = (
    *MIEB_COMMON, "WITT2IRetrieval", "XFlickr30kCoT2IRetrieval", "XM3600T2IRetrieval", "VisualSTS17Eng",
    "VisualSTS-b-Eng", "VisualSTS17Multilingual", "VisualSTS-b-Multilingual",
)
MIEB_LITE = (
    "Country211", "DTD", "EuroSAT", "GTSRB", "OxfordPets", "PatchCamelyon", "RESISC45", "SUN397",
    "ImageNetDog15Clustering", "TinyImageNetClustering",
    "CIFAR100ZeroShot", "Country211ZeroShot", "FER2013ZeroShot", "FGVCAircraftZeroShot", "Food101ZeroShot",
    "OxfordPetsZeroShot", "StanfordCarsZeroShot",
    "BLINKIT2IMultiChoice", "CVBenchCount", "CVBenchRelation", "CVBenchDepth", "CVBenchDistance",
    "AROCocoOrder", "AROFlickrOrder", "AROVisualAttribution", "AROVisualRelation", "Winoground", "ImageCoDe",
    "STS13VisualSTS", "STS15VisualSTS", "VisualSTS17Multilingual", "VisualSTS-b-Multilingual",
    "CIRRIT2IRetrieval", "CUB200I2IRetrieval", "Fashion200kI2TRetrieval", "HatefulMemesI2TRetrieval",
    "InfoSeekIT2TRetrieval", "NIGHTSI2IRetrieval", "OVENIT2TRetrieval", "RP2kI2IRetrieval", "VidoreDocVQARetrieval",
    "VidoreInfoVQARetrieval", "VidoreTabfquadRetrieval", "VidoreTatdqaRetrieval", "VidoreShiftProjectRetrieval",
    "VidoreSyntheticDocQAAIRetrieval", "VisualNewsI2TRetrieval", "VQA2IT2TRetrieval", "WebQAT2ITRetrieval",
    "WITT2IRetrieval", "XM3600T2IRetrieval",
)
# Image-only tasks; STS17 and STS-b enter whole (every subset, and both STS-b splits), not as aggregates.
MIEB_IMG = (
    "CUB200I2IRetrieval", "FORBI2IRetrieval", "GLDv2I2IRetrieval", "METI2IRetrieval", "NIGHTSI2IRetrieval",
    "ROxfordEasyI2IRetrieval", "ROxfordMediumI2IRetrieval", "ROxfordHardI2IRetrieval", "RP2kI2IRetrieval",
    "RParisEasyI2IRetrieval", "RParisMediumI2IRetrieval", "RParisHardI2IRetrieval", "SketchyI2IRetrieval",
    "SOPI2IRetrieval", "StanfordCarsI2IRetrieval",
    *_LINEAR_PROBE[:-1], *_CLUSTERING, "VOC2007", *_RENDERED_STS,
    "STS17MultilingualVisualSTS", "STSBenchmarkMultilingualVisualSTS",
)


def _definitions() -> list[Benchmark]:
    from mieb.tasks.catalog.offline import OFFLINE_TASK_NAMES

    mieb = {"reference": MIEB_PAPER, "citation": MIEB_CITATION}
    return [
        Benchmark(
            name="MIEB(Multilingual)",
            task_names=MIEB_MULTILINGUAL,
            description=(
                "The full Massive Image Embedding Benchmark: 130 tasks of 10 types in about 40 languages. "
                "Linear-probe, zero-shot and multilabel classification, clustering, any-to-any and multilingual "
                "retrieval, document understanding, compositionality, vision-centric QA and visual STS."
            ),
            **mieb,
        ),
        Benchmark(
            name="MIEB(eng)",
            task_names=MIEB_ENG,
            description=(
                "The English part of MIEB: 125 tasks of 8 types. It is MIEB(Multilingual) without the multilingual "
                "retrieval and multilingual visual STS tasks."
            ),
            **mieb,
        ),
        Benchmark(
            name="MIEB(lite)",
            task_names=MIEB_LITE,
            description=(
                "A 51-task subset of MIEB(Multilingual) over all 10 task types. It ranks models as the full "
                "benchmark does, at a fraction of its cost."
            ),
            **mieb,
        ),
        Benchmark(
            name="MIEB(Img)",
            task_names=MIEB_IMG,
            description=(
                "The 49 image-only tasks of MIEB, for vision encoders without a text tower. Image-to-image "
                "retrieval, linear probes, clustering and visual STS on rendered text."
            ),
            **mieb,
        ),
        Benchmark(
            name="MIEB(offline)",
            task_names=tuple(OFFLINE_TASK_NAMES),
            description=(
                "Procedurally generated tasks (coloured shapes, captions, rendered words), one per implemented "
                "protocol, built locally with no download. A smoke test of the whole pipeline and a check of every "
                "evaluator: the bundled mieb/tiny-clip-shapes model scores far above chance, a random one near it."
            ),
        ),
    ]
