"""The image-classification datasets: shared by the linear-probe, clustering and zero-shot modules.

Licenses, references and citations are the reference's; "not specified" is its word for an unknown license.
"""

from __future__ import annotations

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Registry, Source

SOURCES: Registry[Source] = Registry("dataset source")

SOURCES.BIRDSNAP = Source(
    "mteb/birdsnap", "fd23015508be94f0b5b59d61630e4ea2536509e4", license="not specified",
    reference="https://openaccess.thecvf.com/content_cvpr_2014/html/Berg_Birdsnap_Large-scale_Fine-grained_2014_CVPR_paper.html",
    citation=cite.BIRDSNAP,
)
SOURCES.CALTECH101 = Source(
    "mteb/Caltech101", "011e51e5fb01f0c820824734edb7a539ab8e6650", license="not specified",
    reference="https://ieeexplore.ieee.org/document/1384978", citation=cite.CALTECH101,
)
SOURCES.CIFAR10 = Source(
    "mteb/cifar10", "69a62dd171e24a133d193073e73fda4dbb823266", license="not specified",
    reference="https://huggingface.co/datasets/uoft-cs/cifar10", citation=cite.CIFAR,
)
SOURCES.CIFAR100 = Source(
    "mteb/cifar100", "ac5511f885f65fb75d31a9d8810a8440913f7721", license="not specified",
    reference="https://huggingface.co/datasets/uoft-cs/cifar100", citation=cite.CIFAR,
)
SOURCES.COUNTRY211 = Source(
    "mteb/wds_country211", "c3875324cab4803fa6d3afcd5947a97c84fad4c6", license="cc-by-sa-4.0",
    reference="https://huggingface.co/datasets/clip-benchmark/wds_country211", citation=cite.CLIP,
)
SOURCES.DTD = Source(
    "mteb/dtd", "96726183040de9e64a590d08eaac8de940dfcbdf", license="not specified",
    reference="https://www.robots.ox.ac.uk/~vgg/data/dtd/", citation=cite.DTD,
)
SOURCES.EUROSAT = Source(
    "mteb/eurosat-rgb", "da02b77448e750b3b034e0b5da008167b9706571", license="not specified",
    reference="https://ieeexplore.ieee.org/document/8736785", citation=cite.EUROSAT,
)
SOURCES.FER2013 = Source(
    "mteb/wds_fer2013", "d9cabab388cb32bc071a1601ef68cb2f70ca0ba7", license="not specified",
    reference="https://arxiv.org/abs/1412.6572", citation=cite.FER2013,
)
SOURCES.FGVC_AIRCRAFT = Source(
    "mteb/FGVCAircraft", "3ae0e4e94e37c610c26df758ec3255fa90d80e67", license="not specified",
    reference="https://arxiv.org/abs/1306.5151", citation=cite.FGVC_AIRCRAFT,
)
SOURCES.FGVC_AIRCRAFT_ZEROSHOT = Source(
    "mteb/FGVCAircraftZeroShot", "2d33d00400099b87bfec8b04f2876fb10ca07487", license="not specified",
    reference="https://arxiv.org/abs/1306.5151", citation=cite.FGVC_AIRCRAFT,
)
SOURCES.FOOD101 = Source(
    "mteb/food101", "7cca05bfde8fdad4a9b39ed14a881c800cc1dca2", license="not specified",
    reference="https://huggingface.co/datasets/ethz/food101", citation=cite.FOOD101,
)
SOURCES.GTSRB = Source(
    "mteb/wds_gtsrb", "a8f4bb6c8b6f76f4bdc548a7f2979057e546ab44", license="not specified",
    reference="https://benchmark.ini.rub.de/", citation=cite.GTSRB,
)
SOURCES.IMAGENET1K = Source(
    "mteb/wds_imagenet1k", "b54c9af96641d8a2cba5d1144629c724de94ef76", license="not specified",
    reference="https://ieeexplore.ieee.org/document/5206848", citation=cite.IMAGENET,
)
SOURCES.MNIST = Source(
    "mteb/mnist", "cf6afcbae72cc3bb1fc07a9480fe0d8e0b615fcd", license="not specified",
    reference="https://en.wikipedia.org/wiki/MNIST_database", citation=cite.MNIST,
)
SOURCES.OXFORD_FLOWERS = Source(
    "mteb/oxford-flowers", "df976877feae05654b0fcd8b394baff731b00652", license="not specified",
    reference="https://huggingface.co/datasets/nelorth/oxford-flowers/viewer/default/train",
    citation=cite.OXFORD_FLOWERS,
)
SOURCES.OXFORD_PETS = Source(
    "mteb/OxfordPets", "557b480fae8d69247be74d9503b378a09425096f", license="not specified",
    reference="https://ieeexplore.ieee.org/abstract/document/6248092", citation=cite.OXFORD_PETS,
)
SOURCES.PATCH_CAMELYON = Source(
    "mteb/wds_vtab-pcam", "6544d35f2235ed00e2ac8494c09ff107f8af353c", license="not specified",
    reference="https://link.springer.com/chapter/10.1007/978-3-030-00934-2_24", citation=cite.PATCH_CAMELYON,
)
SOURCES.RESISC45 = Source(
    "mteb/resisc45", "a5b7c0d47eb6544fb2ef0d380b9c105f3c6dc259", license="not specified",
    reference="https://ieeexplore.ieee.org/abstract/document/7891544", citation=cite.RESISC45,
)
SOURCES.STANFORD_CARS = Source(
    "mteb/StanfordCars", "09ffe9bc7864d3f1e851529e5c4b7e05601a04fb", license="not specified",
    reference="https://pure.mpg.de/rest/items/item_2029263/component/file_2029262/content",
    citation=cite.STANFORD_CARS,
)
SOURCES.STL10 = Source(
    "mteb/stl10", "2da456fe65204f88c2cb5e5ff17f85f442ef3eaa", license="not specified",
    reference="https://cs.stanford.edu/~acoates/stl10/", citation=cite.STL10,
)
SOURCES.SUN397 = Source(
    "mteb/sun397", "c684cff33166060e2ae05525a5c4abdf5e6d7bce", license="not specified",
    reference="https://ieeexplore.ieee.org/abstract/document/5539970", citation=cite.SUN397,
)
SOURCES.UCF101 = Source(
    "mteb/ucf101", "e0618988874f6ffbf90af69fa6dccecb9be3deb3", license="not specified",
    reference="https://huggingface.co/datasets/flwrlabs/ucf101", citation=cite.UCF101,
)
SOURCES.VOC2007 = Source(
    "mteb/VOC2007", "96d47458fb2f40713997b0ea271688c02bac840b", license="not specified",
    reference="http://host.robots.ox.ac.uk/pascal/VOC/", citation=cite.PASCAL_VOC,
)
SOURCES.IMAGENET_DOG15 = Source(
    "mteb/imagenet-dog-15", "16b4f3ff0eba385e23756afc3fdefc460a5c3444", license="not specified",
    reference="http://vision.stanford.edu/aditya86/ImageNetDogs/main.html", citation=cite.IMAGENET,
)
SOURCES.IMAGENET10 = Source(
    "mteb/imagenet-10", "6ee8458695d029cc225d046deb33342dfca9d4ce", license="not specified",
    reference="https://www.kaggle.com/datasets/liusha249/imagenet10", citation=cite.IMAGENET,
)
SOURCES.TINY_IMAGENET = Source(
    "mteb/tiny-imagenet", "e04e259f646f750bd0bdb2a56c2a4577d89bee3d", license="not specified",
    reference="https://huggingface.co/datasets/zh-plus/tiny-imagenet/viewer/default/valid",
)
SOURCES.CLEVR_DISTANCE = Source(
    "mteb/wds_vtab-clevr_closest_object_distance", "d2777bb7428d8d74d951b57de0bc2ca5408c4fd4",
    license="cc-by-4.0",
    reference="https://openaccess.thecvf.com/content_cvpr_2017/html/Johnson_CLEVR_A_Diagnostic_CVPR_2017_paper.html",
    citation=cite.CLEVR,
)
SOURCES.CLEVR_COUNT = Source(
    "mteb/wds_vtab-clevr_count_all", "2e31935f1deb7d22306d3bcb02b76c7cd87a10b3", license="not specified",
    reference="https://openaccess.thecvf.com/content_cvpr_2017/html/Johnson_CLEVR_A_Diagnostic_CVPR_2017_paper.html",
    citation=cite.CLEVR,
)
SOURCES.RENDERED_SST2 = Source(
    "mteb/wds_renderedsst2", "c10537bc389e9741a27f7b14767bd42f2b77476b", license="mit",
    reference="https://huggingface.co/datasets/clip-benchmark/wds_renderedsst2",
)
