#!/usr/bin/env python
"""Train `mieb/tiny-clip-shapes`: a tiny CLIP (transformers `CLIPModel`) on the offline world.

The model is what MIEB(offline) evaluates to prove that every evaluator is wired correctly: it must
score far above chance on every offline task, while a randomly initialised model of the same shape
scores near chance. This script

1. builds a CLIP-style byte-level BPE tokenizer from the world's vocabulary (every world word is
   one token; anything else falls back to byte characters),
2. trains the model with a multi-positive CLIP contrastive loss on a fresh stream of generated
   (image, caption) pairs (scenes of coloured shapes, rendered sentences, document pages), plus a
   VQA term that teaches "image embedding + question embedding" (the reference's sum fusion) to
   point at the answer's text embedding, plus (training only) a linear attribute read-out of the
   vision tower that gets a from-scratch ViT past its long plateau on shapes; the first steps use
   shape-only captions ("a photo of a star.") as a curriculum,
3. runs a quick self-check on the evaluation sets (stand-ins of each task's main score) with the
   trained and with a randomly initialised model, and
4. writes config.json, model.safetensors, the tokenizer files, preprocessor_config.json and
   training.json into src/mieb/models/weights/tiny-clip-shapes/.

Training is run once, by hand (about 40 minutes on a 2-vCPU machine, 1 torch thread); tests and CI
never train.

    python scripts/train_tiny_clip.py                 # train, evaluate, write the folder
    python scripts/train_tiny_clip.py --eval-only     # re-run the quick self-check on the saved weights
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mieb.data.synthetic import BUILDERS, TRAIN_SEED_BASE, materialize  # noqa: E402
from mieb.data.synthetic import world as W  # noqa: E402
from mieb.data.synthetic.builders import vqa_item  # noqa: E402

OUT_DIR = ROOT / "src" / "mieb" / "models" / "weights" / "tiny-clip-shapes"
CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
IMAGE_SIZE = 64
MAX_LENGTH = 32
BOS, EOS = "<|startoftext|>", "<|endoftext|>"

# ==================================================================================================
# Tokenizer: CLIP-style byte-level BPE whose merges spell every world word as one token
# ==================================================================================================


def bytes_to_unicode() -> dict[int, str]:
    """The byte -> printable character map of byte-level BPE (GPT-2 / CLIP)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs], strict=True))


def _bpe(symbols: list[str], ranks: dict[tuple[str, str], int]) -> list[str]:
    """Apply merges, lowest rank first (leftmost on ties), as the `tokenizers` BPE model does."""
    word = list(symbols)
    while len(word) > 1:
        best, at = None, -1
        for i in range(len(word) - 1):
            r = ranks.get((word[i], word[i + 1]))
            if r is not None and (best is None or r < best):
                best, at = r, i
        if best is None:
            break
        word[at : at + 2] = [word[at] + word[at + 1]]
    return word


def build_bpe(words: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """vocab and merges such that each word in `words` is a single `word</w>` token.

    For each word, while BPE with the merges so far leaves more than one piece, append a merge of
    its first two pieces. An appended merge has the lowest priority, so it never changes how an
    earlier word is split (BPE only picks it when no other merge applies).
    """
    b2u = bytes_to_unicode()
    base = list(b2u.values())
    vocab_list = base + [c + "</w>" for c in base]
    merges: list[tuple[str, str]] = []
    ranks: dict[tuple[str, str], int] = {}
    seen = set(vocab_list)
    for w in sorted(set(words), key=lambda s: (len(s), s)):
        chars = [b2u[b] for b in w.encode("utf-8")]
        symbols = chars[:-1] + [chars[-1] + "</w>"]
        while True:
            pieces = _bpe(symbols, ranks)
            if len(pieces) == 1:
                break
            pair = (pieces[0], pieces[1])
            ranks[pair] = len(merges)
            merges.append(pair)
            tok = pair[0] + pair[1]
            if tok not in seen:
                seen.add(tok)
                vocab_list.append(tok)
    vocab_list += [BOS, EOS]
    return {t: i for i, t in enumerate(vocab_list)}, merges


def write_tokenizer(folder: Path, words: list[str]) -> dict[str, int]:
    vocab, merges = build_bpe(words)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0) + "\n")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    special = {"bos_token": BOS, "eos_token": EOS, "unk_token": EOS, "pad_token": EOS}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
    cfg = {
        "tokenizer_class": "CLIPTokenizer",
        "model_max_length": MAX_LENGTH,
        "do_lower_case": True,
        "errors": "replace",
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        **special,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    return vocab


def check_tokenizer(tok, words: list[str]) -> None:
    """Every world word is one token; `<|endoftext|>` ends every sequence (the pooled position)."""
    bad = [w for w in words if len(tok(w, add_special_tokens=False)["input_ids"]) != 1]
    if bad:
        raise RuntimeError(f"world words not single tokens: {bad[:20]}")
    enc = tok(["a photo of a star.", "zebra xylophone quokka"], padding=True, truncation=True, max_length=MAX_LENGTH)
    for ids in enc["input_ids"]:
        assert ids[0] == tok.bos_token_id and tok.eos_token_id in ids, ids
    assert tok.pad_token_id == tok.eos_token_id


# ==================================================================================================
# Model
# ==================================================================================================


def make_config(vocab: dict[str, int]):
    from transformers import CLIPConfig

    return CLIPConfig(
        text_config=dict(
            vocab_size=len(vocab),
            hidden_size=128,
            intermediate_size=512,
            num_hidden_layers=4,
            num_attention_heads=4,
            max_position_embeddings=MAX_LENGTH,
            bos_token_id=vocab[BOS],
            eos_token_id=vocab[EOS],
            pad_token_id=vocab[EOS],
        ),
        vision_config=dict(
            image_size=IMAGE_SIZE,
            patch_size=8,
            hidden_size=128,
            intermediate_size=512,
            num_hidden_layers=4,
            num_attention_heads=4,
        ),
        projection_dim=128,
        logit_scale_init_value=2.6592,
    )


def image_embed(model, px: torch.Tensor) -> torch.Tensor:
    return model.visual_projection(model.vision_model(pixel_values=px).pooler_output)


def text_embed(model, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return model.text_projection(model.text_model(input_ids=ids, attention_mask=mask).pooler_output)


# ==================================================================================================
# Preprocessing: exactly mieb's (PIL bicubic shortest edge -> 64, centre crop, /255, CLIP mean/std)
# ==================================================================================================


def to_model_array(img: np.ndarray | Image.Image) -> np.ndarray:
    """uint8 (64, 64, 3) after mieb's resize + centre crop."""
    pil = img if isinstance(img, Image.Image) else None
    if pil is not None and pil.mode != "RGB":
        pil = pil.convert("RGB")
    arr = np.asarray(pil) if pil is not None else img
    h, w = arr.shape[:2]
    if w <= h:
        nw, nh = IMAGE_SIZE, int(IMAGE_SIZE * h / w)
    else:
        nw, nh = int(IMAGE_SIZE * w / h), IMAGE_SIZE
    if (nw, nh) != (w, h):
        pil = pil if pil is not None else Image.fromarray(arr)
        arr = np.asarray(pil.resize((nw, nh), resample=Image.Resampling.BICUBIC, reducing_gap=None))
    top, left = (arr.shape[0] - IMAGE_SIZE) // 2, (arr.shape[1] - IMAGE_SIZE) // 2
    return arr[top : top + IMAGE_SIZE, left : left + IMAGE_SIZE]


def pixel_values(images: list) -> torch.Tensor:
    arr = np.stack([to_model_array(im) for im in images]).astype(np.float32) / 255.0
    arr = (arr - CLIP_MEAN) / CLIP_STD
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(0, 3, 1, 2)))


# ==================================================================================================
# Training stream. Every item carries a "meaning": scenes have `kinds` and facts, captions a `kind`
# and the facts they state. A caption is true of an image when its kind is one of the image's kinds
# and every stated fact holds; all true pairs in a batch are positives (multi-positive CLIP loss).
# ==================================================================================================

MIXTURE = {  # relative shares (scaled to the batch size; these are per 256)
    "single_en": 70,
    "single_de": 26,
    "count": 24,
    "multi": 22,
    "relation": 40,
    "rendered_text": 50,
    "document": 24,
}
# The first `--curriculum-steps` steps use this mixture instead: mostly single objects captioned by
# their shape alone ("a photo of a star."), so the vision tower learns shapes first. (Without it the
# contrastive loss is lowered by colour, position and text first and shapes emerge very late.)
MIXTURE_CURRICULUM = {  # per 256
    "single_shape": 160,
    "single_en": 32,
    "count": 16,
    "multi": 16,
    "rendered_text": 16,
    "document": 16,
}
SHAPE_ONLY_TEMPLATES = ["a photo of a {s}.", "a {s}.", "{s}.", "a photo of a {s}.", "a picture of a {s}."]
VQA_PER_STEP = 32
VQA_CATEGORIES = ["color", "shape", "count", "position", "present"]
ANSWER_LIST: list[str] = []
for _cat in ("color", "shape", "count", "position"):
    for _a in W.ANSWERS[_cat]:
        if _a not in ANSWER_LIST:
            ANSWER_LIST.append(_a)


def _canon_relation(a, b, rel):
    return (b, a, W.OPPOSITE[rel]) if rel in ("right of", "below") else (a, b, rel)


def true_of(scene: dict, cap: dict) -> bool:
    if cap["kind"] not in scene["kinds"]:
        return False
    return all(scene.get(k) == v for k, v in cap.items() if k != "kind")


class Batch:
    def __init__(self):
        self.images: list[np.ndarray] = []
        self.scenes: list[dict] = []
        self.texts: list[str] = []
        self.meanings: list[dict] = []
        self.neg_texts: list[str] = []
        self.neg_meanings: list[dict] = []
        self.vqa_images: list[np.ndarray] = []
        self.vqa_questions: list[str] = []
        self.vqa_valid: list[list[str]] = []

    def add(self, img, scene, text, meaning):
        self.images.append(img)
        self.scenes.append(scene)
        self.texts.append(text)
        self.meanings.append(meaning)


def _single(rs, b: Batch, lang: str, shape_only: bool = False):
    o = W.sample_single(rs)
    img = W.render_scene(rs, [o])
    scene = {"kinds": {"single"}, "shape": o.shape, "color": o.color, "size": o.size, "position": o.position, "n": 1}
    if shape_only:
        t = SHAPE_ONLY_TEMPLATES[rs.randint(len(SHAPE_ONLY_TEMPLATES))]
        text, attrs = t.format(s=o.shape), {"shape"}
    elif lang == "en" and rs.randint(5) == 0:
        text, attrs = W.ZEROSHOT_TEMPLATE.format(name=o.shape), {"shape"}
    else:
        text, attrs = W.caption_single(rs, o, lang, with_attrs=True)
    b.add(img, scene, text, {"kind": "single", **{a: scene[a] for a in attrs}})


def _count(rs, b: Batch):
    n = rs.randint(1, 5)
    shape, color = W.SHAPES[rs.randint(8)], W.COLORS[rs.randint(8)]
    img = W.render_scene(rs, W.sample_scattered(rs, [(shape, color)] * n))
    lang = "de" if rs.randint(4) == 0 else "en"
    text, attrs = W.caption_count(rs, n, shape, color, lang, with_attrs=True)
    if n == 1:
        scene = {"kinds": {"single"}, "shape": shape, "color": color, "size": "small", "position": None, "n": 1}
        meaning = {"kind": "single", **{a: scene[a] for a in attrs}}
    else:
        scene = {"kinds": {"count"}, "n": n, "shape": shape, "color": color}
        meaning = {"kind": "count", **{a: scene[a] for a in attrs}}
    b.add(img, scene, text, meaning)


def _multi(rs, b: Batch):
    k = rs.randint(2, 4)
    shapes = [W.SHAPES[i] for i in rs.permutation(8)[:k]]
    colors = [W.COLORS[i] for i in rs.randint(0, 8, size=k)]
    objs = W.sample_scattered(rs, list(zip(shapes, colors, strict=True)), rmin=6, rmax=9)
    img = W.render_scene(rs, objs)
    scene = {"kinds": {"multi"}, "objs": frozenset(zip(shapes, colors, strict=True)), "shapes": frozenset(shapes)}
    with_color = bool(rs.randint(2))
    text = W.caption_multi(rs, objs, with_color=with_color)
    meaning = {"kind": "multi", "objs": scene["objs"]} if with_color else {"kind": "multi", "shapes": scene["shapes"]}
    b.add(img, scene, text, meaning)


def _relation_pair(rs, b: Batch):
    """A two-object scene plus its colour-swapped or position-swapped twin (in-batch hard negatives)."""
    si, ci = rs.permutation(8)[:2], rs.permutation(8)[:2]
    a, bb = (W.SHAPES[si[0]], W.COLORS[ci[0]]), (W.SHAPES[si[1]], W.COLORS[ci[1]])
    rel = W.RELATIONS[rs.randint(4)]
    twin = ((a[0], bb[1]), (bb[0], a[1]), rel) if rs.randint(2) else (bb, a, rel)
    for x, y, r in ((a, bb, rel), twin):
        img = W.render_scene(rs, W.sample_relation(rs, x, y, r))
        canon = _canon_relation(x, y, r)
        scene = {"kinds": {"multi", "relation"}, "objs": frozenset([x, y]), "shapes": frozenset([x[0], y[0]]),
                 "rel": canon}
        px, py, pr = (y, x, W.OPPOSITE[r]) if rs.randint(2) else (x, y, r)
        b.add(img, scene, W.relation_caption(px, py, pr), {"kind": "relation", "rel": canon})
        neg = _training_negative(rs, px, py, pr)
        b.neg_texts.append(neg)
        b.neg_meanings.append(_parse_relation(neg))


def _training_negative(rs, a, b, rel) -> str:
    """One hard-negative caption for a relation scene: swapped colours, swapped objects, flipped
    relation, a wrong colour or a wrong shape (uniformly)."""
    (sa, ca), (sb, cb) = a, b
    other_colors = [c for c in W.COLORS if c not in (ca, cb)]
    other_shapes = [s for s in W.SHAPES if s not in (sa, sb)]
    newc = other_colors[rs.randint(len(other_colors))]
    news = other_shapes[rs.randint(len(other_shapes))]
    if rs.randint(2):
        wrong_color = W.relation_caption((sa, newc), b, rel)
        wrong_shape = W.relation_caption(a, (news, cb), rel)
    else:
        wrong_color = W.relation_caption(a, (sb, newc), rel)
        wrong_shape = W.relation_caption((news, ca), b, rel)
    options = [
        W.relation_caption((sa, cb), (sb, ca), rel),
        W.relation_caption(b, a, rel),
        W.relation_caption(a, b, W.OPPOSITE[rel]),
        wrong_color,
        wrong_shape,
    ]
    return options[rs.randint(len(options))]


def _parse_relation(text: str) -> dict:
    words = text.rstrip(".").split()
    # "a|an <color> <shape> <rel...> a|an <color> <shape>"
    c1, s1 = words[1], words[2]
    c2, s2 = words[-2], words[-1]
    rel = " ".join(words[3:-3])
    return {"kind": "relation", "rel": _canon_relation((s1, c1), (s2, c2), rel)}


def _rendered_text(rs, b: Batch):
    u = rs.randint(10)
    lang = "de" if rs.randint(5) < 2 else "en"
    if u < 4:
        text = W.attribute_sentence(rs, W.random_attrs(rs), lang)
    elif u < 7:
        text = W.caption_single(rs, W.sample_single(rs), lang)
    elif u < 8:
        text = W.caption_count(rs, rs.randint(1, 5), W.SHAPES[rs.randint(8)], W.COLORS[rs.randint(8)], lang)
    elif u < 9:
        si, ci = rs.permutation(8)[:2], rs.permutation(8)[:2]
        text = W.relation_caption((W.SHAPES[si[0]], W.COLORS[ci[0]]), (W.SHAPES[si[1]], W.COLORS[ci[1]]),
                                  W.RELATIONS[rs.randint(4)])
    else:
        text = W.doc_query(rs, W.DOC_TOPICS[rs.randint(len(W.DOC_TOPICS))], W.DOC_KINDS[rs.randint(len(W.DOC_KINDS))])
    img = W.render_sentence(rs, text)
    b.add(img, {"kinds": {"text"}, "sentence": text}, text, {"kind": "text", "sentence": text})


def _document(rs, b: Batch):
    topic, kind = W.DOC_TOPICS[rs.randint(len(W.DOC_TOPICS))], W.DOC_KINDS[rs.randint(len(W.DOC_KINDS))]
    img = W.render_page(rs, topic, kind)
    text = W.doc_query(rs, topic, kind) if rs.randint(10) < 7 else f"{topic} {kind}"
    b.add(img, {"kinds": {"doc"}, "title": (topic, kind)}, text, {"kind": "doc", "title": (topic, kind)})


def sample_batch(rs: np.random.RandomState, batch_size: int = 256, vqa_size: int = VQA_PER_STEP,
                 curriculum: bool = False) -> Batch:
    b = Batch()
    mixture = MIXTURE_CURRICULUM if curriculum else MIXTURE
    scale = batch_size / sum(mixture.values())
    n = {k: int(round(mixture.get(k, 0) * scale)) for k in set(MIXTURE) | set(MIXTURE_CURRICULUM)}
    for _ in range(n["single_shape"]):
        _single(rs, b, "en", shape_only=True)
    for _ in range(n["single_en"]):
        _single(rs, b, "en")
    for _ in range(n["single_de"]):
        _single(rs, b, "de")
    for _ in range(n["count"]):
        _count(rs, b)
    for _ in range(n["multi"]):
        _multi(rs, b)
    for _ in range(n["relation"] // 2):
        _relation_pair(rs, b)
    for _ in range(n["rendered_text"]):
        _rendered_text(rs, b)
    for _ in range(n["document"]):
        _document(rs, b)
    for i in range(vqa_size):
        img, q, _, _, valid = vqa_item(rs, VQA_CATEGORIES[i % len(VQA_CATEGORIES)])
        b.vqa_images.append(img)
        b.vqa_questions.append(q)
        b.vqa_valid.append(valid)
    return b


def truth_matrix(b: Batch) -> torch.Tensor:
    """T[i, j] = caption j (batch captions, then negatives) is true of image i; identical strings
    share one row of truth (the union of their meanings)."""
    texts = b.texts + b.neg_texts
    meanings = b.meanings + b.neg_meanings
    by_text: dict[str, list[int]] = {}
    for j, t in enumerate(texts):
        by_text.setdefault(t, []).append(j)
    T = np.zeros((len(b.images), len(texts)), dtype=np.float32)
    for i, scene in enumerate(b.scenes):
        for j, m in enumerate(meanings):
            if true_of(scene, m) or (scene["kinds"] == {"text"} and scene["sentence"] == texts[j]):
                T[i, by_text[texts[j]]] = 1.0
    T[np.arange(len(b.images)), np.arange(len(b.images))] = 1.0
    return torch.from_numpy(T)


# Auxiliary attribute head (training only, discarded): linear read-outs of the vision tower's pooled
# output. A tiny ViT trained from scratch by the contrastive loss alone learns colours, text and
# pages quickly but shapes only after a long plateau; direct attribute supervision of the image
# tower removes the plateau. Groups: multi-label shapes / colours present, and for single-object
# scenes size and position, for single and counting scenes the count.
AUX_GROUPS = {"shape": W.SHAPES, "color": W.COLORS, "size": W.SIZES, "position": W.POSITIONS, "count": W.COUNTS}


def aux_targets(scenes: list[dict]) -> dict[str, torch.Tensor]:
    n = len(scenes)
    out = {k: torch.zeros(n, len(v)) for k, v in AUX_GROUPS.items()}
    mask = {k: torch.zeros(n) for k in AUX_GROUPS}
    for i, sc in enumerate(scenes):
        if "objs" in sc:
            objs = list(sc["objs"])
        elif "shape" in sc:
            objs = [(sc["shape"], sc["color"])]
        else:
            continue  # rendered text, documents
        for shape, color in objs:
            out["shape"][i, W.SHAPES.index(shape)] = 1.0
            out["color"][i, W.COLORS.index(color)] = 1.0
        mask["shape"][i] = mask["color"][i] = 1.0
        if sc.get("size") is not None and sc.get("position") is not None:
            out["size"][i, W.SIZES.index(sc["size"])] = 1.0
            out["position"][i, W.POSITIONS.index(sc["position"])] = 1.0
            mask["size"][i] = mask["position"][i] = 1.0
        if "n" in sc:
            out["count"][i, sc["n"] - 1] = 1.0
            mask["count"][i] = 1.0
    return {k: (out[k], mask[k]) for k in AUX_GROUPS}


def aux_loss(head: torch.nn.Linear, pooled: torch.Tensor, targets) -> torch.Tensor:
    logits = head(pooled)
    total, start = 0.0, 0
    for k, vals in AUX_GROUPS.items():
        y, m = targets[k]
        part = logits[:, start : start + len(vals)]
        start += len(vals)
        if m.sum() == 0:
            continue
        if k in ("shape", "color"):  # multi-label
            per = F.binary_cross_entropy_with_logits(part, y, reduction="none").sum(1)
        else:
            per = -(y * F.log_softmax(part, dim=1)).sum(1)
        total = total + (per * m).sum() / m.sum()
    return total


def soft_ce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    p = targets / targets.sum(dim=1, keepdim=True).clamp_min(1e-8)
    return -(p * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


# ==================================================================================================
# Quick self-check on the evaluation sets (stand-ins of each task's main score)
# ==================================================================================================


class Embedder:
    def __init__(self, model, tok, batch_size: int = 256):
        self.model, self.tok, self.bs = model, tok, batch_size

    @torch.no_grad()
    def images(self, imgs: list) -> torch.Tensor:
        self.model.eval()
        out = [image_embed(self.model, pixel_values(imgs[i : i + self.bs])) for i in range(0, len(imgs), self.bs)]
        return torch.cat(out)

    @torch.no_grad()
    def texts(self, texts: list[str]) -> torch.Tensor:
        self.model.eval()
        out = []
        for i in range(0, len(texts), self.bs):
            enc = self.tok(texts[i : i + self.bs], padding=True, truncation=True, max_length=MAX_LENGTH,
                           return_tensors="pt")
            out.append(text_embed(self.model, enc["input_ids"], enc["attention_mask"]))
        return torch.cat(out)


def _load(key: str, config: str, split: str = "test"):
    import datasets

    return datasets.load_dataset(str(materialize(key, BUILDERS[key].version)), name=config, split=split)


def _cos(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).T


def _ndcg_single(scores: torch.Tensor, relevant: list[set[int]], k: int, skip_first: bool = False) -> float:
    """Mean nDCG@k with binary relevance."""
    vals = []
    for i, rel in enumerate(relevant):
        order = torch.argsort(scores[i], descending=True).tolist()
        if skip_first:
            order = order[1:]
        dcg = sum(1.0 / math.log2(r + 2) for r, d in enumerate(order[:k]) if d in rel)
        idcg = sum(1.0 / math.log2(r + 2) for r in range(min(len(rel), k)))
        vals.append(dcg / idcg if idcg else 0.0)
    return float(np.mean(vals))


def _retrieval_data(key: str, prefix: str = ""):
    corpus = _load(key, f"{prefix}corpus")
    queries = _load(key, f"{prefix}queries")
    qrels = _load(key, f"{prefix}qrels")
    cidx = {c: i for i, c in enumerate(corpus["id"])}
    qidx = {q: i for i, q in enumerate(queries["id"])}
    rel: list[dict[int, int]] = [dict() for _ in range(len(queries))]
    for q, c, s in zip(qrels["query-id"], qrels["corpus-id"], qrels["score"], strict=True):
        rel[qidx[q]][cidx[c]] = int(s)
    return corpus, queries, rel


def _encode_side(E: Embedder, ds) -> torch.Tensor:
    mods = set(ds["modality"])
    assert len(mods) == 1, mods
    mod = mods.pop()
    if mod == "image":
        return E.images(list(ds["image"]))
    if mod == "text":
        return E.texts(list(ds["text"]))
    return E.images(list(ds["image"])) + E.texts(list(ds["text"]))  # reference CLIP fusion: sum


def quick_eval(model, tok) -> dict[str, float]:
    from scipy.stats import spearmanr
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import label_ranking_average_precision_score, normalized_mutual_info_score
    from sklearn.neighbors import KNeighborsClassifier

    E = Embedder(model, tok)
    res: dict[str, float] = {}

    ds = _load("ShapesZeroShot", "default")
    names = ds.features["label"].names
    sims = _cos(E.images(list(ds["image"])), E.texts([W.ZEROSHOT_TEMPLATE.format(name=n) for n in names]))
    res["ShapesZeroShot/accuracy"] = float((sims.argmax(1).numpy() == np.array(ds["label"])).mean())

    tr, te = _load("ShapesClassification", "default", "train"), _load("ShapesClassification", "default", "test")
    xtr, xte = E.images(list(tr["image"])).numpy(), E.images(list(te["image"])).numpy()
    ytr, yte = np.array(tr["label"]), np.array(te["label"])
    idx = list(range(len(ytr)))
    accs = []
    for _ in range(5):
        np.random.RandomState(42).shuffle(idx)
        sel, cnt = [], {}
        for i in idx:
            if cnt.get(ytr[i], 0) < 16:
                sel.append(i)
                cnt[ytr[i]] = cnt.get(ytr[i], 0) + 1
        clf = LogisticRegression(max_iter=100, random_state=42).fit(xtr[sel], ytr[sel])
        accs.append((clf.predict(xte) == yte).mean())
    res["ShapesClassification/accuracy"] = float(np.mean(accs))

    tr, te = _load("ShapesMultilabel", "default", "train"), _load("ShapesMultilabel", "default", "test")
    xtr, xte = E.images(list(tr["image"])).numpy(), E.images(list(te["image"])).numpy()
    ytr = np.zeros((len(tr), 8), dtype=int)
    yte = np.zeros((len(te), 8), dtype=int)
    for i, c in enumerate(tr["classes"]):
        ytr[i, c] = 1
    for i, c in enumerate(te["classes"]):
        yte[i, c] = 1
    rng = np.random.default_rng(42)
    lraps = []
    for _ in range(5):
        order = rng.permutation(len(ytr))
        counts = np.zeros(8, dtype=int)
        sel = []
        for i in order:
            labs = np.flatnonzero(ytr[i])
            if (counts[labs] < 8).any():
                sel.append(i)
                counts[labs] += 1
        knn = KNeighborsClassifier(n_neighbors=5).fit(xtr[sel], ytr[sel])
        lraps.append(label_ranking_average_precision_score(yte, knn.predict(xte)))
    res["ShapesMultilabel/lrap"] = float(np.mean(lraps))

    ds = _load("ShapesClustering", "default")
    x = E.images(list(ds["image"])).numpy()
    km = MiniBatchKMeans(n_clusters=8, batch_size=500, n_init="auto", random_state=42).fit(x)
    res["ShapesClustering/nmi"] = float(normalized_mutual_info_score(ds["label"], km.labels_))

    for key, k, skip, name in [
        ("ShapesT2IRetrieval", 10, False, "ndcg@10"),
        ("ShapesI2TRetrieval", 10, False, "ndcg@10"),
        ("ShapesI2IRetrieval", 1, True, "hit@1"),
        ("ShapesIT2TRetrieval", 10, False, "ndcg@10"),
    ]:
        corpus, queries, rel = _retrieval_data(key)
        sims = _cos(_encode_side(E, queries), _encode_side(E, corpus))
        relevant = [{c for c, s in r.items() if s > 0} for r in rel]
        if name == "hit@1":
            top = [torch.argsort(sims[i], descending=True).tolist()[1] for i in range(len(rel))]
            res[f"{key}/{name}"] = float(np.mean([t in r for t, r in zip(top, relevant, strict=True)]))
        else:
            res[f"{key}/{name}"] = _ndcg_single(sims, relevant, k, skip)

    for lang in ("en", "de"):
        corpus, queries, rel = _retrieval_data("ShapesMultilingualT2IRetrieval", f"{lang}-")
        sims = _cos(_encode_side(E, queries), _encode_side(E, corpus))
        res[f"ShapesMultilingualT2IRetrieval/{lang}/ndcg@10"] = _ndcg_single(sims, [set(r) for r in rel], 10)

    corpus, queries, rel = _retrieval_data("ShapesMultipleChoice")
    sims = _cos(_encode_side(E, queries), _encode_side(E, corpus))
    correct = []
    for i, r in enumerate(rel):
        cands = list(r)
        best = cands[int(torch.argmax(sims[i, cands]))]
        correct.append(r[best] == 1)
    res["ShapesMultipleChoice/accuracy"] = float(np.mean(correct))

    q, c, qr = _load("ShapesDocumentRetrieval", "queries"), _load("ShapesDocumentRetrieval", "corpus"), \
        _load("ShapesDocumentRetrieval", "qrels")
    cpos = {cid: i for i, cid in enumerate(c["corpus-id"])}
    qpos = {qid: i for i, qid in enumerate(q["query-id"])}
    rel = [set() for _ in range(len(q))]
    for a, bb, s in zip(qr["query-id"], qr["corpus-id"], qr["score"], strict=True):
        if s > 0:
            rel[qpos[a]].add(cpos[bb])
    sims = _cos(E.texts(list(q["query"])), E.images(list(c["image"])))
    res["ShapesDocumentRetrieval/ndcg@5"] = _ndcg_single(sims, rel, 5)

    ds = _load("ShapesCompositionality", "default")
    img = E.images(list(ds["images"]))
    cols = ["correct_caption"] + [f"hard_text_{i}" for i in range(1, 5)]
    txt = torch.stack([E.texts(list(ds[cname])) for cname in cols], dim=1)  # (N, 5, D)
    s = torch.einsum("nd,ntd->nt", F.normalize(img, dim=-1), F.normalize(txt, dim=-1))
    res["ShapesCompositionality/text_acc"] = float((s.argmax(1) == 0).float().mean())

    for key, cfg, name in [("RenderedShapesSTS", "default", "RenderedShapesSTS"),
                           ("RenderedShapesSTSMulti", "en", "RenderedShapesSTSMulti/en"),
                           ("RenderedShapesSTSMulti", "de", "RenderedShapesSTSMulti/de")]:
        ds = _load(key, cfg)
        a, bb = E.images(list(ds["sentence1"])), E.images(list(ds["sentence2"]))
        cos = F.cosine_similarity(a, bb).numpy()
        res[f"{name}/cosine_spearman"] = float(spearmanr(cos, ds["score"]).statistic)
    return res


CHANCE = {
    "ShapesZeroShot/accuracy": 1 / 8,
    "ShapesClassification/accuracy": 1 / 8,
    "ShapesMultilabel/lrap": None,
    "ShapesClustering/nmi": 0.0,
    "ShapesT2IRetrieval/ndcg@10": None,
    "ShapesI2TRetrieval/ndcg@10": None,
    "ShapesI2IRetrieval/hit@1": 3 / 159,
    "ShapesIT2TRetrieval/ndcg@10": None,
    "ShapesMultilingualT2IRetrieval/en/ndcg@10": None,
    "ShapesMultilingualT2IRetrieval/de/ndcg@10": None,
    "ShapesMultipleChoice/accuracy": 0.27,
    "ShapesDocumentRetrieval/ndcg@5": None,
    "ShapesCompositionality/text_acc": 0.2,
    "RenderedShapesSTS/cosine_spearman": 0.0,
    "RenderedShapesSTSMulti/en/cosine_spearman": 0.0,
    "RenderedShapesSTSMulti/de/cosine_spearman": 0.0,
}


def print_table(trained: dict, random_: dict | None) -> str:
    lines = [f"{'metric':45s} {'trained':>8s} {'random':>8s} {'chance':>8s}"]
    for k, v in trained.items():
        r = "" if random_ is None else f"{random_[k]:8.3f}"
        ch = CHANCE.get(k)
        lines.append(f"{k:45s} {v:8.3f} {r:>8s} {'' if ch is None else f'{ch:8.3f}':>8s}")
    text = "\n".join(lines)
    print(text, flush=True)
    return text


# ==================================================================================================
# Main
# ==================================================================================================


def eval_image_hashes() -> set[str]:
    """sha1 of the pixels of every evaluation image (training images must not repeat one)."""
    import datasets

    out = set()
    for key, b in BUILDERS.items():
        path = str(materialize(key, b.version))
        for cfg in datasets.get_dataset_config_names(path):
            for part in datasets.load_dataset(path, name=cfg).values():
                for col, feat in part.features.items():
                    if isinstance(feat, datasets.Image):
                        for im in part[col]:
                            if im is not None:
                                out.add(hashlib.sha1(np.asarray(im.convert("RGB")).tobytes()).hexdigest())
    return out


def quick_eval_block(trained: dict, rand: dict) -> dict:
    return {
        "trained": {k: round(v, 4) for k, v in trained.items()},
        "random_init": {k: round(v, 4) for k, v in rand.items()},
        "chance": CHANCE,
        "datasets": {key: b.version for key, b in BUILDERS.items()},
        "note": "stand-ins of each task's main score computed by this script (not by mieb's evaluators)",
    }


def param_groups(model, wd: float):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "embedding" in n or "logit_scale" in n else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_preprocessor_config(folder: Path) -> None:
    cfg = {
        "image_processor_type": "CLIPImageProcessor",
        "processor_class": "CLIPProcessor",
        "do_resize": True,
        "size": {"shortest_edge": IMAGE_SIZE},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": CLIP_MEAN.tolist(),
        "image_std": CLIP_STD.tolist(),
        "do_convert_rgb": True,
    }
    (folder / "preprocessor_config.json").write_text(json.dumps(cfg, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1800)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--vqa-batch-size", type=int, default=VQA_PER_STEP)
    ap.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True,
                    help="bfloat16 autocast for the two towers (losses in float32)")
    ap.add_argument("--curriculum-steps", type=int, default=200,
                    help="first steps use MIXTURE_CURRICULUM (shape-only captions) instead of MIXTURE")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--vqa-weight", type=float, default=1.0)
    ap.add_argument("--aux-weight", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (1: on the 2-vCPU build machine, 2 threads ran slower than 1)")
    ap.add_argument("--eval-every", type=int, default=300)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--profile", action="store_true", help="print per-step timings")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    import datasets
    from transformers import AutoTokenizer, CLIPModel

    datasets.disable_progress_bars()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    if args.eval_only:
        # Re-run the self-check on the saved weights (same random baseline as training: seed + 1) and
        # refresh the "quick_eval" block of training.json (e.g. after an evaluation set changed).
        model = CLIPModel.from_pretrained(out).eval()
        tok = AutoTokenizer.from_pretrained(out)
        torch.manual_seed(args.seed + 1)
        rand = CLIPModel(model.config).eval()
        trained, rand_res = quick_eval(model, tok), quick_eval(rand, tok)
        table = print_table(trained, rand_res)
        info_path = out / "training.json"
        if info_path.is_file():
            info = json.loads(info_path.read_text())
            if info.get("model_safetensors_sha256") != sha256(out / "model.safetensors"):
                raise RuntimeError("model.safetensors does not match training.json")
            info["quick_eval"] = quick_eval_block(trained, rand_res)
            info_path.write_text(json.dumps(info, indent=1) + "\n")
            (out / "quick_eval.txt").write_text(table + "\n")
        return

    words = W.world_words()
    vocab = write_tokenizer(out, words)
    tok = AutoTokenizer.from_pretrained(out)
    check_tokenizer(tok, words)
    write_preprocessor_config(out)

    torch.manual_seed(args.seed)
    config = make_config(vocab)
    model = CLIPModel(config)
    torch.manual_seed(args.seed + 1)
    random_model = CLIPModel(config).eval()  # the baseline of the self-check: same shape, never trained
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params:,}  vocab: {len(vocab)}", flush=True)

    t_hash = time.perf_counter()
    eval_hashes = eval_image_hashes()
    print(f"{len(eval_hashes)} evaluation images hashed in {time.perf_counter() - t_hash:.1f}s", flush=True)

    torch.manual_seed(args.seed + 2)
    aux_head = torch.nn.Linear(config.vision_config.hidden_size, sum(len(v) for v in AUX_GROUPS.values()))
    groups = param_groups(model, args.weight_decay) + [{"params": list(aux_head.parameters()), "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.98), eps=1e-6)

    def lr_at(step: int) -> float:
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))

    history = []
    checkpoints = {}
    collisions = 0
    t0 = time.perf_counter()
    t_data = 0.0
    ema = None
    for step in range(args.steps):
        td = time.perf_counter()
        rs = np.random.RandomState([TRAIN_SEED_BASE, args.seed, step])
        b = sample_batch(rs, args.batch_size, args.vqa_batch_size, curriculum=step < args.curriculum_steps)
        for img in b.images + b.vqa_images:
            if hashlib.sha1(np.ascontiguousarray(img).tobytes()).hexdigest() in eval_hashes:
                collisions += 1
        if collisions:
            raise RuntimeError("a training image equals an evaluation image")
        T = truth_matrix(b)
        px = pixel_values(b.images + b.vqa_images)
        all_texts = b.texts + b.neg_texts + b.vqa_questions + ANSWER_LIST
        enc = tok(all_texts, padding=True, truncation=True, max_length=MAX_LENGTH, pad_to_multiple_of=8,
                  return_tensors="pt")
        vqa_t = torch.zeros(len(b.vqa_valid), len(ANSWER_LIST))
        for i, valid in enumerate(b.vqa_valid):
            for a in valid:
                vqa_t[i, ANSWER_LIST.index(a)] = 1.0
        t_data += time.perf_counter() - td

        t_fwd0 = time.perf_counter()
        model.train()
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        n_img, n_txt = len(b.images), len(b.texts) + len(b.neg_texts)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            pooled = model.vision_model(pixel_values=px).pooler_output
            img_all = model.visual_projection(pooled)
            txt_all = text_embed(model, enc["input_ids"], enc["attention_mask"])
        img_all, txt_all = img_all.float(), txt_all.float()
        img_e, vqa_img = img_all[:n_img], img_all[n_img:]
        txt_e = txt_all[:n_txt]
        q_e = txt_all[n_txt : n_txt + len(b.vqa_questions)]
        ans_e = txt_all[n_txt + len(b.vqa_questions) :]
        scale = model.logit_scale.exp().clamp(max=100.0)
        logits = scale * F.normalize(img_e, dim=-1) @ F.normalize(txt_e, dim=-1).T
        loss_i2t = soft_ce(logits, T)
        loss_t2i = soft_ce(logits[:, :n_img].T, T[:, :n_img].T)
        clip_loss = (loss_i2t + loss_t2i) / 2
        fused = vqa_img + q_e
        vqa_logits = scale * F.normalize(fused, dim=-1) @ F.normalize(ans_e, dim=-1).T
        vqa_loss = soft_ce(vqa_logits, vqa_t)
        n_main = len(b.images)
        a_loss = aux_loss(aux_head, pooled[:n_main].float(), aux_targets(b.scenes))
        loss = clip_loss + args.vqa_weight * vqa_loss + args.aux_weight * a_loss
        t_fwd = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t_bwd = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if args.profile:
            print(f"  data {t_fwd0 - td:.2f}s fwd {t_fwd - t_fwd0:.2f}s bwd {t_bwd - t_fwd:.2f}s "
                  f"opt {time.perf_counter() - t_bwd:.2f}s threads {torch.get_num_threads()}", flush=True)
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))

        cur = {"loss": loss.item(), "clip": clip_loss.item(), "vqa": vqa_loss.item(), "aux": float(a_loss)}
        ema = cur if ema is None else {k: 0.98 * ema[k] + 0.02 * v for k, v in cur.items()}
        if step % 25 == 0 or step == args.steps - 1:
            el = time.perf_counter() - t0
            print(f"step {step:5d} loss {cur['loss']:.3f} (clip {cur['clip']:.3f} vqa {cur['vqa']:.3f} "
                  f"aux {cur['aux']:.3f}) "
                  f"ema {ema['loss']:.3f} scale {scale.item():.1f} lr {lr_at(step):.2e} "
                  f"{el:.0f}s (data {t_data:.0f}s)", flush=True)
            history.append({"step": step, **{k: round(v, 4) for k, v in cur.items()}, "seconds": round(el, 1)})
        if args.eval_every and (step + 1) % args.eval_every == 0 and step + 1 < args.steps:
            res = quick_eval(model, tok)
            checkpoints[str(step + 1)] = {k: round(v, 4) for k, v in res.items()}
            print_table(res, None)
    wall = time.perf_counter() - t0

    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    for extra in ("generation_config.json",):
        (out / extra).unlink(missing_ok=True)
    # reload exactly as mieb does, then self-check
    model = CLIPModel.from_pretrained(out).eval()
    tok = AutoTokenizer.from_pretrained(out)
    trained = quick_eval(model, tok)
    rand = quick_eval(random_model, tok)
    table = print_table(trained, rand)

    info = {
        "model": "mieb/tiny-clip-shapes",
        "script": "scripts/train_tiny_clip.py",
        "command": "python scripts/train_tiny_clip.py " + " ".join(sys.argv[1:]),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "out"},
        "seed": args.seed,
        "steps": args.steps,
        "batch_size": args.batch_size,
        "vqa_batch_size": args.vqa_batch_size,
        "bf16_autocast": args.bf16,
        "lr": args.lr,
        "warmup_steps": args.warmup,
        "schedule": "linear warmup, cosine decay to 2% of lr",
        "optimizer": {"name": "AdamW", "betas": [0.9, 0.98], "eps": 1e-6, "weight_decay": args.weight_decay,
                      "grad_clip_norm": 1.0},
        "loss": "multi-positive CLIP contrastive (image<->caption, relation hard-negative captions in the "
                "image->text direction) + vqa_weight x cross-entropy of normalised(image_emb + question_emb) "
                "against the 25 answer texts + aux_weight x attribute read-out loss of the vision tower",
        "vqa_weight": args.vqa_weight,
        "aux_weight": args.aux_weight,
        "aux_head": "training-only linear read-out of the vision pooled output (discarded): multi-label "
                    "shapes and colours present (BCE), size / position / count (CE) where defined",
        "data_mixture_per_batch": MIXTURE,
        "curriculum_steps": args.curriculum_steps,
        "curriculum_mixture_per_batch": MIXTURE_CURRICULUM,
        "shape_only_templates": sorted(set(SHAPE_ONLY_TEMPLATES)),
        "vqa_categories": VQA_CATEGORIES,
        "train_seed_stream": f"numpy RandomState([{TRAIN_SEED_BASE}, seed, step]) (evaluation builders use "
                             f"integer seeds {sorted(b.seed for b in BUILDERS.values())})",
        "eval_image_collisions": collisions,
        "image_preprocessing": "PIL bicubic resize of the shortest edge to 64 (reducing_gap=None), centre crop "
                               "64x64, /255, CLIP mean/std",
        "tokenizer": {"type": "byte-level BPE (CLIP)", "vocab_size": len(vocab), "world_words": len(words),
                      "max_length": MAX_LENGTH},
        "n_parameters": n_params,
        "config": json.loads((out / "config.json").read_text()),
        "wall_time_seconds": round(wall, 1),
        "data_seconds": round(t_data, 1),
        "final_losses_ema": {k: round(v, 4) for k, v in ema.items()},
        "loss_history": history,
        "quick_eval_checkpoints": checkpoints,
        "quick_eval": quick_eval_block(trained, rand),
        "environment": {"python": platform.python_version(), "torch": torch.__version__,
                        "transformers": __import__("transformers").__version__,
                        "numpy": np.__version__, "threads": args.threads, "machine": platform.machine()},
        "model_safetensors_sha256": sha256(out / "model.safetensors"),
    }
    (out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    (out / "quick_eval.txt").write_text(table + "\n")
    print(f"wrote {out} in {wall / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
