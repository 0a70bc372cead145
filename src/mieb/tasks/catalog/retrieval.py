"""Any2AnyRetrieval: queries and documents of any modality, ranked by embedding similarity (45 tasks).

Most datasets use the standard corpus / queries / qrels layout; HatefulMemes, Memotion and SciMMIR are
built from plain splits by custom loaders (`mieb.tasks.kinds.retrieval_loaders`).
"""

from __future__ import annotations

from typing import Any, Literal

from mieb.tasks.catalog._citations import CITATIONS as cite
from mieb.tasks.catalog._common import Source, retrieval_split, task
from mieb.tasks.kinds.retrieval import RetrievalSettings
from mieb.tasks.metadata import TaskMetadata

Modalities = list[Literal["image", "text"]]
IMAGE: Modalities = ["image"]
TEXT: Modalities = ["text"]
TEXT_IMAGE: Modalities = ["text", "image"]
IMAGE_TEXT: Modalities = ["image", "text"]
# mteb 2.26.24 reads the corrected copy, from which upstream removed a truncated image.
MEMOTION = Source("mteb/MMSoc_Memotion_corrected", "15bac69b0c917ecd824b8a13827e517b83727878", "mit",
                  "https://aclanthology.org/2020.semeval-1.99/", cite.MEMOTION)


def _retrieval(name: str, description: str, source: Source, category: str, modalities: Modalities, *,
               queries: int, documents: int, main_score: str = "ndcg_at_10",
               prompt: dict[str, str] | None = None, **settings: Any) -> TaskMetadata:
    """A retrieval task on the test split of `queries` queries and `documents` documents."""
    return task(name, description, source, type="Any2AnyRetrieval", category=category, modalities=modalities,
                main_score=main_score, prompt=prompt, settings=RetrievalSettings(**settings),
                stats={"test": retrieval_split(category, queries, documents)})


TASKS: list[TaskMetadata] = [
    _retrieval(
        "BLINKIT2IRetrieval",
        "Given an image and a perception question from BLINK, retrieve the image that answers it.",
        Source("mteb/blink-it2i", "f399ecd9713a91c97d7e26ca3917d97b2d98b22a", "cc-by-sa-4.0",
               "https://arxiv.org/abs/2404.12390", cite.BLINK),
        "it2i", TEXT_IMAGE, queries=402, documents=804,
        main_score="hit_rate_at_1",
    ),
    _retrieval(
        "BLINKIT2TRetrieval",
        "Given an image and a perception question from BLINK, retrieve the text answer.",
        Source("mteb/blink-it2t", "1ce9401bf888d851ee1b221dbb6bec718128ce00", "cc-by-sa-4.0",
               "https://arxiv.org/abs/2404.12390", cite.BLINK),
        "it2t", TEXT_IMAGE, queries=793, documents=20,
        main_score="hit_rate_at_1",
    ),
    _retrieval(
        "CIRRIT2IRetrieval",
        "Composed image retrieval: a reference photo plus a change request, find the edited scene (CIRR).",
        Source("mteb/mbeir_cirr_task7", "bb0713ed1ed136b2974fce68df7e26388040b650", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content/ICCV2021/html/Liu_Image_Retrieval_on_Real-Life_Images_With_Pre-Trained_Vision-and-Language_Models_ICCV_2021_paper.html",
               cite.CIRR),
        "it2i", TEXT_IMAGE, queries=4170, documents=21551,
        prompt={"query": "Retrieve a day-to-day image that aligns with the modification instructions of "
                         "the provided image."},
    ),
    # Queries are also in the corpus: each query's top hit is dropped before every metric (quirk 7).
    _retrieval(
        "CUB200I2IRetrieval", "Find other photos of the same bird species among 200 (CUB-200-2011).",
        Source("mteb/cub200_retrieval", "ad08c1307b15a226bf1b64e62656a17f1f85f7ec", "not specified",
               "https://www.florian-schroff.de/publications/CUB-200.pdf", cite.CUB200),
        "i2i", IMAGE, queries=5794, documents=5794,
        main_score="hit_rate_at_1",
        skip_first_result=True,
    ),
    _retrieval(
        "EDIST2ITRetrieval", "Find the news image and headline that go with a news caption (EDIS).",
        Source("mteb/mbeir_edis_task2", "afc3409142cdf1adab05336dd1bc5fd3c0a659dc", "apache-2.0",
               "https://aclanthology.org/2023.emnlp-main.297/", cite.EDIS),
        "t2it", TEXT_IMAGE, queries=3241, documents=1047067,
        prompt={"query": "Identify the news photo for the given caption."},
    ),
    # Columns the reference removes (mteb issue #4436) are removed here too, for the same data on each side.
    _retrieval(
        "Fashion200kI2TRetrieval", "Find the product description of a fashion photo (Fashion200k).",
        Source("mteb/mbeir_fashion200k_task3", "74e9e63bf8f802f8cfb4ba6e01f48efc4f49032c", "apache-2.0",
               "https://openaccess.thecvf.com/content_iccv_2017/html/Han_Automatic_Spatially-Aware_Fashion_ICCV_2017_paper.html",
               cite.FASHION200K),
        "i2t", TEXT_IMAGE, queries=4889, documents=61707,
        drop_columns={"corpus": ["image"], "queries": ["text"]},
        prompt={"query": "Based on the following fashion description, retrieve the best matching image."},
    ),
    _retrieval(
        "Fashion200kT2IRetrieval", "Find the fashion photo matching a product description (Fashion200k).",
        Source("mteb/mbeir_fashion200k_task0", "725e5e2ccb114089e0070e83cdc94b83bc104d40", "apache-2.0",
               "https://openaccess.thecvf.com/content_iccv_2017/html/Han_Automatic_Spatially-Aware_Fashion_ICCV_2017_paper.html",
               cite.FASHION200K),
        "t2i", TEXT_IMAGE, queries=1719, documents=201824,
        prompt={"query": "Based on the following fashion description, retrieve the best matching image."},
    ),
    _retrieval(
        "FashionIQIT2IRetrieval",
        "Find the garment described by a reference photo plus a requested change (FashionIQ).",
        Source("mteb/mbeir_fashioniq_task7", "469fba95d895f129f1d297619835d724db01904d", "apache-2.0",
               "https://openaccess.thecvf.com/content/CVPR2021/html/Wu_Fashion_IQ_A_New_Dataset_Towards_Retrieving_Images_by_Natural_CVPR_2021_paper.html",
               cite.FASHION_IQ),
        "it2i", TEXT_IMAGE, queries=6003, documents=74381,
        prompt={"query": "Find a fashion image that aligns with the reference image and style note."},
    ),
    _retrieval(
        "Flickr30kI2TRetrieval", "Find the captions of a Flickr30k photo.",
        Source("mteb/flickr30ki2t", "e26fbfcb4532ab61e3c8512fdf3dd9008f2575bd", "cc-by-sa-4.0",
               "https://www.semanticscholar.org/paper/From-image-descriptions-to-visual-denotations%3A-New-Young-Lai/44040913380206991b1991daf1192942e038fe31",
               cite.FLICKR30K),
        "i2t", TEXT_IMAGE, queries=1000, documents=5000,
        prompt={"query": "Find an image caption describing the following image."},
    ),
    _retrieval(
        "Flickr30kT2IRetrieval", "Find the Flickr30k photo a caption describes.",
        Source("mteb/flickr30kt2i", "e819702b287bfbe084e129a61f308a802b7c108e", "cc-by-sa-4.0",
               "https://www.semanticscholar.org/paper/From-image-descriptions-to-visual-denotations%3A-New-Young-Lai/44040913380206991b1991daf1192942e038fe31",
               cite.FLICKR30K),
        "t2i", TEXT_IMAGE, queries=5000, documents=1000,
        prompt={"query": "Find an image that matches the given caption."},
    ),
    _retrieval(
        "FORBI2IRetrieval",
        "Find flat objects (posters, book covers, paintings, ...) from photos taken in the wild (FORB).",
        Source("mteb/forb_retrieval", "26ab4bd972854becada339afc80f5f3ffc047e2b", "not specified",
               "https://github.com/pxiangwu/FORB", cite.FORB),
        "i2i", IMAGE, queries=13250, documents=53984,
        main_score="hit_rate_at_1",
    ),
    _retrieval(
        "GLDv2I2IRetrieval", "Find photos of the same landmark (Google Landmarks v2).",
        Source("mteb/gld-v2", "04ec40ce10b27c291cbc329045ecdfd01e06c4a7", "apache-2.0",
               "https://openaccess.thecvf.com/content_CVPR_2020/html/Weyand_Google_Landmarks_Dataset_v2_-_A_Large-Scale_Benchmark_for_Instance-Level_CVPR_2020_paper.html",
               cite.GLDV2),
        "i2i", IMAGE, queries=1129, documents=761757,
    ),
    _retrieval(
        "GLDv2I2TRetrieval", "Find the name of the landmark shown in a photo (Google Landmarks v2).",
        Source("mteb/gld-v2-i2t", "20a4ca61738ba9ef70b3e1e7772ac9037286c085", "apache-2.0",
               "https://openaccess.thecvf.com/content_CVPR_2020/html/Weyand_Google_Landmarks_Dataset_v2_-_A_Large-Scale_Benchmark_for_Instance-Level_CVPR_2020_paper.html",
               cite.GLDV2),
        "i2t", TEXT_IMAGE, queries=1704, documents=674,
    ),
    # The corpus is deduplicated by text, so some qrels point to documents that are not in it (quirk 10).
    _retrieval(
        "HatefulMemesI2TRetrieval",
        "Find the overlaid text of a meme from its image, a test of reading text in images (Hateful Memes).",
        Source("mteb/MMSoc_HatefulMemes", "852290806bbf9d660f5c04c246f81ce38bfc1d48", "mit",
               "https://arxiv.org/pdf/2005.04790", cite.HATEFUL_MEMES),
        "i2t", TEXT_IMAGE, queries=1000, documents=8045,
        loader="hateful_memes",
    ),
    _retrieval(
        "HatefulMemesT2IRetrieval", "Find the meme image that carries a given overlaid text (Hateful Memes).",
        Source("mteb/MMSoc_HatefulMemes", "852290806bbf9d660f5c04c246f81ce38bfc1d48", "mit",
               "https://arxiv.org/pdf/2005.04790", cite.HATEFUL_MEMES),
        "t2i", TEXT_IMAGE, queries=1000, documents=8045,
        loader="hateful_memes",
    ),
    _retrieval(
        "ImageCoDeT2IRetrieval",
        "Find the video frame, among near-identical ones, that a detailed description picks out (ImageCoDe).",
        Source("mteb/imagecode", "3d13625935ec7e207e7e870e33a033cf51d60626", "cc-by-sa-4.0",
               "https://aclanthology.org/2022.acl-long.241.pdf", cite.IMAGECODE),
        "t2i", TEXT_IMAGE, queries=2302, documents=23020,
        main_score="hit_rate_at_3",
    ),
    _retrieval(
        "InfoSeekIT2ITRetrieval",
        "Answer a question about an image by retrieving a Wikipedia image and description (InfoSeek).",
        Source("mteb/InfoSeekIT2ITRetrieval", "3baeebfd742e4130d2a75a842740ebb31ea4e6e9", "cc-by-sa-4.0",
               "https://aclanthology.org/2023.emnlp-main.925", cite.INFOSEEK),
        "it2it", TEXT_IMAGE, queries=17593, documents=481782,
        prompt={"query": "Find an image and subject description from Wikipedia that answers my question "
                         "about this image."},
    ),
    _retrieval(
        "InfoSeekIT2TRetrieval",
        "Answer a question about an image by retrieving a Wikipedia passage (InfoSeek).",
        Source("mteb/mbeir_infoseek_task6", "4510aa3b456b23f39564694e053e70492cc1de9f", "cc-by-sa-4.0",
               "https://aclanthology.org/2023.emnlp-main.925", cite.INFOSEEK),
        "it2t", TEXT_IMAGE, queries=11323, documents=611651,
        prompt={"query": "Find a paragraph from Wikipedia that answers my question about this image."},
    ),
    _retrieval(
        "MemotionI2TRetrieval", "Find the overlaid text of a meme from its image (Memotion).",
        MEMOTION,
        "i2t", TEXT_IMAGE, queries=697, documents=6986,
        loader="memotion",
    ),
    _retrieval(
        "MemotionT2IRetrieval", "Find the meme image that carries a given overlaid text (Memotion).",
        MEMOTION,
        "t2i", TEXT_IMAGE, queries=697, documents=6986,
        loader="memotion",
    ),
    _retrieval(
        "METI2IRetrieval", "Find photos of the same artwork from the Metropolitan Museum collection (MET).",
        Source("mteb/met", "c4994f2da3df0a6e20a310048a04be49da7282c3", "not specified",
               "https://arxiv.org/abs/2202.01747", cite.MET),
        "i2i", IMAGE, queries=87942, documents=260655,
        main_score="hit_rate_at_1",
        skip_first_result=True,
    ),
    _retrieval(
        "MSCOCOI2TRetrieval", "Find the captions of an MS-COCO photo.",
        Source("mteb/mbeir_mscoco_task3", "ec63d7122301171948387e757351fabd193fc39f", "cc-by-sa-4.0",
               "https://link.springer.com/chapter/10.1007/978-3-319-10602-1_48", cite.MSCOCO),
        "i2t", TEXT_IMAGE, queries=5000, documents=24809,
        prompt={"query": "Find an image caption describing the following everyday image."},
    ),
    _retrieval(
        "MSCOCOT2IRetrieval", "Find the MS-COCO photo a caption describes.",
        Source("mteb/mbeir_mscoco_task0", "8dfc4d250094f4e241bcb93211d6c5fbc99bb0bd", "cc-by-sa-4.0",
               "https://link.springer.com/chapter/10.1007/978-3-319-10602-1_48", cite.MSCOCO),
        "t2i", TEXT_IMAGE, queries=24809, documents=5000,
        drop_columns={"queries": ["image"]},
        prompt={"query": "Identify the image showcasing the described everyday scene."},
    ),
    _retrieval(
        "NIGHTSI2IRetrieval", "Find the image humans judge most similar to a reference image (NIGHTS).",
        Source("mteb/mbeir_nights_task4", "c798fa2f5173dc9fe0c727fd0abfd2f94cbc2f23", "cc-by-sa-4.0",
               "https://proceedings.neurips.cc/paper_files/paper/2023/hash/9f09f316a3eaf59d9ced5ffaefe97e0f-Abstract-Conference.html",
               cite.DREAMSIM),
        "i2i", IMAGE, queries=2120, documents=40038,
        drop_columns={"corpus": ["text"], "queries": ["text"]},
        prompt={"query": "Find a day-to-day image that looks similar to the provided image."},
    ),
    _retrieval(
        "OVENIT2ITRetrieval",
        "Identify the entity in an image by retrieving its Wikipedia image and description (OVEN).",
        Source("mteb/mbeir_oven_task8", "619847759581b2e57dfc1d68e2dadedc9599b283", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content/ICCV2023/html/Hu_Open-domain_Visual_Entity_Recognition_Towards_Recognizing_Millions_of_Wikipedia_Entities_ICCV_2023_paper.html",
               cite.OVEN),
        "it2it", IMAGE_TEXT, queries=14741, documents=335135,
        prompt={"query": "Retrieve a Wikipedia image-description pair that provides evidence for the "
                         "question of this image."},
    ),
    _retrieval(
        "OVENIT2TRetrieval", "Identify the entity in an image by retrieving its Wikipedia passage (OVEN).",
        Source("mteb/mbeir_oven_task6", "88994735625f4ebf646eaf42096f7ba204880ac2", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content/ICCV2023/html/Hu_Open-domain_Visual_Entity_Recognition_Towards_Recognizing_Millions_of_Wikipedia_Entities_ICCV_2023_paper.html",
               cite.OVEN),
        "it2t", TEXT_IMAGE, queries=50004, documents=676667,
        prompt={"query": "Retrieve a Wikipedia paragraph that provides an answer to the given query about "
                         "the image."},
    ),
    # No junk-image masking (v2 dropped it, quirk 8): every query ranks the full corpus.
    _retrieval(
        "ROxfordEasyI2IRetrieval",
        "Find photos of the same Oxford landmark, revisited Oxford benchmark, easy protocol.",
        Source("mteb/r-oxford-easy-multi", "063cf78b598275e0454311a329651eb708c6ccd7", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Oxford_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=4993,
        main_score="map_at_5",
    ),
    _retrieval(
        "ROxfordMediumI2IRetrieval",
        "Find photos of the same Oxford landmark, revisited Oxford benchmark, medium protocol.",
        Source("mteb/r-oxford-medium-multi", "b2f6a469e6d8126872049711e24c191f40698b04", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Oxford_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=4993,
        main_score="map_at_5",
    ),
    _retrieval(
        "ROxfordHardI2IRetrieval",
        "Find photos of the same Oxford landmark, revisited Oxford benchmark, hard protocol.",
        Source("mteb/r-oxford-hard-multi", "d9d88e44ebba295dc660a2c7b1ce618a7e953375", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Oxford_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=4993,
        main_score="map_at_5",
    ),
    _retrieval(
        "RP2kI2IRetrieval", "Find other shelf photos of the same retail product (RP2K).",
        Source("mteb/rp2k", "03b56e190634e7138c906d67cb356900ee50c98f", "not specified",
               "https://arxiv.org/abs/2006.12634", cite.RP2K),
        "i2i", IMAGE, queries=38186, documents=39457,
        main_score="hit_rate_at_1",
        skip_first_result=True,
    ),
    _retrieval(
        "RParisEasyI2IRetrieval",
        "Find photos of the same Paris landmark, revisited Paris benchmark, easy protocol.",
        Source("mteb/r-paris-easy-multi", "868eac192da81e6b8e478f4d30bdb8b4a24e871b", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Paris_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=6322,
        main_score="map_at_5",
    ),
    _retrieval(
        "RParisMediumI2IRetrieval",
        "Find photos of the same Paris landmark, revisited Paris benchmark, medium protocol.",
        Source("mteb/r-paris-medium-multi", "43d85ffeec4bacbfc9e1fe047e1eaf61c36fd8d6", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Paris_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=6322,
        main_score="map_at_5",
    ),
    _retrieval(
        "RParisHardI2IRetrieval",
        "Find photos of the same Paris landmark, revisited Paris benchmark, hard protocol.",
        Source("mteb/r-paris-hard-multi", "8a96e2c66a1ad6d0035df60accba4838c9d4e79f", "not specified",
               "https://openaccess.thecvf.com/content_cvpr_2018/html/Radenovic_Revisiting_Paris_and_CVPR_2018_paper.html",
               cite.REVISITED_OXFORD_PARIS),
        "i2i", IMAGE, queries=70, documents=6322,
        main_score="map_at_5",
    ),
    _retrieval(
        "SciMMIRI2TRetrieval", "Find the caption of a figure or table from a scientific paper (SciMMIR).",
        Source("mteb/SciMMIR", "2a10b6b1f93cac7084aa809512749272cf0a893a", "mit",
               "https://aclanthology.org/2024.findings-acl.746/", cite.SCIMMIR),
        "i2t", TEXT_IMAGE, queries=16263, documents=16263,
        loader="scimmir",
    ),
    _retrieval(
        "SciMMIRT2IRetrieval",
        "Find the figure or table of a scientific paper that a caption describes (SciMMIR).",
        Source("mteb/SciMMIR", "2a10b6b1f93cac7084aa809512749272cf0a893a", "mit",
               "https://aclanthology.org/2024.findings-acl.746/", cite.SCIMMIR),
        "t2i", TEXT_IMAGE, queries=16263, documents=16263,
        loader="scimmir",
    ),
    _retrieval(
        "SketchyI2IRetrieval", "Find the photo a free-hand sketch was drawn from (Sketchy).",
        Source("mteb/sketchy", "f9456d4ef865495dacd379c7f43925f4155831bf", "not specified",
               "https://arxiv.org/abs/2202.01747", cite.MET),
        "i2i", IMAGE, queries=452886, documents=25000,
        main_score="hit_rate_at_1",
    ),
    _retrieval(
        "SOPI2IRetrieval", "Find other photos of the same online product (Stanford Online Products).",
        Source("mteb/stanford-online-products", "9556adace66a20ac7ef034b6b9dd854c0ed9779f", "not specified",
               "https://paperswithcode.com/dataset/stanford-online-products", cite.SOP),
        "i2i", IMAGE, queries=22634, documents=120053,
        main_score="hit_rate_at_1",
        skip_first_result=True,
    ),
    _retrieval(
        "StanfordCarsI2IRetrieval", "Find other photos of the same car model (Stanford Cars).",
        Source("mteb/stanford_cars_retrieval", "b27a0612211af3598bd11fe28af20928f20cce06", "not specified",
               "https://pure.mpg.de/rest/items/item_2029263/component/file_2029262/content",
               cite.STANFORD_CARS),
        "i2i", IMAGE, queries=8041, documents=8041,
        main_score="hit_rate_at_1",
        skip_first_result=True,
    ),
    _retrieval(
        "TUBerlinT2IRetrieval", "Find sketches of the object category a text names (TU-Berlin sketches).",
        Source("mteb/tu-berlin", "7f2a802146c499d092669f7874044dad96384b40", "cc-by-sa-4.0",
               "https://dl.acm.org/doi/pdf/10.1145/2185520.2185540", cite.TU_BERLIN),
        "t2i", TEXT_IMAGE, queries=250, documents=20000,
    ),
    _retrieval(
        "VisualNewsI2TRetrieval", "Find the caption of a news photo (VisualNews).",
        Source("mteb/mbeir_visualnews_task3", "158d0c0ce9cdd4f292964393de7dd47dc3e87519", "cc-by-sa-4.0",
               "https://aclanthology.org/2021.emnlp-main.542/", cite.VISUAL_NEWS),
        "i2t", IMAGE_TEXT, queries=20000, documents=537568,
        drop_columns={"corpus": ["image"], "queries": ["text"]},
        prompt={"query": "Find a caption for the news in the given photo."},
    ),
    _retrieval(
        "VisualNewsT2IRetrieval", "Find the news photo a caption describes (VisualNews).",
        Source("mteb/mbeir_visualnews_task0", "6ba75433fbeb6a06d9fccb27031bcafdfb8b5de1", "cc-by-sa-4.0",
               "https://aclanthology.org/2021.emnlp-main.542/", cite.VISUAL_NEWS),
        "t2i", IMAGE_TEXT, queries=19995, documents=542246,
        prompt={"query": "Identify the news-related image in line with the described event."},
    ),
    _retrieval(
        "VizWizIT2TRetrieval",
        "Answer a question from a blind user about their photo by retrieving the answer (VizWiz).",
        Source("mteb/vizwiz", "c9a6f7bf3f5cbc8e76a29a423ba48d7b549b8d87", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content_cvpr_2018/papers/Gurari_VizWiz_Grand_Challenge_CVPR_2018_paper.pdf",
               cite.VIZWIZ),
        "it2t", TEXT_IMAGE, queries=4319, documents=2091,
    ),
    _retrieval(
        "VQA2IT2TRetrieval", "Answer a question about an image by retrieving the answer text (VQA v2).",
        Source("mteb/vqa-2", "cee84d52b243da575fa9ba71501a8433464a79a1", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content_cvpr_2017/html/Goyal_Making_the_v_CVPR_2017_paper.html",
               cite.VQA2),
        "it2t", TEXT_IMAGE, queries=214354, documents=21597,
    ),
    _retrieval(
        "WebQAT2ITRetrieval", "Answer a question by retrieving a Wikipedia image with its caption (WebQA).",
        Source("mteb/mbeir_webqa_task2", "8a9243d504a2039b3467abdef2208a127a5c0737", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content/CVPR2022/html/Chang_WebQA_Multihop_and_Multimodal_QA_CVPR_2022_paper.html",
               cite.WEBQA),
        "t2it", IMAGE_TEXT, queries=2511, documents=403196,
        prompt={"query": "Find a Wikipedia image that answers this question."},
    ),
    _retrieval(
        "WebQAT2TRetrieval", "Answer a question by retrieving a Wikipedia passage (WebQA).",
        Source("mteb/mbeir_webqa_task1", "17d2f7d42f1b3ef9293fb545b9039fcec1deab91", "cc-by-sa-4.0",
               "https://openaccess.thecvf.com/content/CVPR2022/html/Chang_WebQA_Multihop_and_Multimodal_QA_CVPR_2022_paper.html",
               cite.WEBQA),
        "t2t", TEXT, queries=2455, documents=544457,
        prompt={"query": "Retrieve passages from Wikipedia that provide answers to the following question."},
    ),
]
