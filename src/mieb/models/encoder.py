"""The encoder interface every model wrapper implements.

A wrapper only turns an already prepared batch into embeddings. The framework (`mieb.runner.embedder`)
owns batching, decoding and resizing in DataLoader workers, normalisation on the device, mixed
precision, caching and validation of outputs, so every model gets the same fast path.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

from mieb.errors import ModalityError
from mieb.models.meta import PRECISIONS, ModelMeta, Precision

PromptType = Literal["query", "document"]
_DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EncodeContext:
    """What a wrapper may want to know about the inputs: instruction-aware models use it.

    `instruction` is the task's prompt for this side: None when the task defines no prompts, "" when it
    defines some but none for this prompt type. `text_first` (image+text inputs): whether the task's
    dataset holds the text before the image; the reference hands multimodal items to sentence-transformers
    models as dicts in that column order, which becomes the order of the chat message's parts.
    """

    task_name: str | None = None
    task_type: str | None = None
    category: str | None = None
    prompt_type: PromptType | None = None
    instruction: str | None = None
    text_first: bool = False


def resolve_device(device: str | None) -> torch.device:
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.isdigit():
        return torch.device(f"cuda:{device}")
    return torch.device(device)


def resolve_precision(precision: str | None, device: torch.device, default: Precision = "fp32"
                      ) -> tuple[Precision, str | None]:
    """(the precision to run, a note when it is not the card's default).

    `None` / "auto": the card's `default` on CUDA; fp32 elsewhere, because the reference's autocast
    (`torch.cuda.amp.autocast()`) does nothing off CUDA and half-precision weights are slow or unsupported
    by CPU kernels (docs/deviations.md D4). Anything else is run as asked. Raises ValueError for an
    unknown precision.
    """
    if precision in (None, "auto"):
        if device.type == "cuda" or default == "fp32":
            return default, None
        return "fp32", f"the card's precision {default} applies on CUDA; running fp32 on {device.type}"
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be auto or one of {', '.join(PRECISIONS)}, not {precision!r}")
    return precision, None  # type: ignore[return-value]


MaxSimPadding = Literal["reference", "masked"]


@dataclass(frozen=True)
class MultiVector:
    """Multi-vector (late-interaction) embeddings of N items, padded: item i is `values[i, :lengths[i]]`.

    `values` is (N, T, d), `lengths` and `padded_to` (N,), all numpy on the host or all torch (`to_device`).
    `padded_to[i]` is the width of the zero-padded tensor the reference holds item i in: the longest item
    encoded together with it (see `maxsim`). It defaults to T and survives slicing, so a block of a corpus
    remembers the corpus's width. Wrappers of models whose card says similarity="max_sim" return one per
    batch; the Embedder assembles them in input order, and the retrieval metrics slice, index and score
    them like (N, d) arrays.
    """

    values: Any
    lengths: Any
    padded_to: Any = None

    def __post_init__(self) -> None:
        if self.padded_to is None:
            width = int(self.values.shape[1]) if self.values.ndim == 3 else 0
            like = self.lengths
            full = (torch.full_like(like, width) if isinstance(like, torch.Tensor)
                    else np.full(np.shape(like), width, dtype=np.int64))
            object.__setattr__(self, "padded_to", full)

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    def __getitem__(self, idx: Any) -> MultiVector:
        """Rows by slice, index list or array; padding beyond the longest selected row is dropped from
        `values` (each row keeps its `padded_to`)."""
        if isinstance(idx, list):
            idx = np.asarray(idx, dtype=np.int64)
        values, lengths = self.values[idx], self.lengths[idx]
        width = int(lengths.max()) if len(lengths) else 0
        return MultiVector(values[:, :width], lengths, self.padded_to[idx])

    def to_device(self, device: str | torch.device) -> MultiVector:
        """float32 torch tensors on `device` (what the scoring functions take)."""
        def ints(x: Any) -> torch.Tensor:
            return torch.as_tensor(x).to(device=device, dtype=torch.int64)

        return MultiVector(torch.as_tensor(self.values).to(device=device, dtype=torch.float32),
                           ints(self.lengths), ints(self.padded_to))

    def numpy(self) -> MultiVector:
        values, lengths, padded_to = self.values, self.lengths, self.padded_to
        if isinstance(values, torch.Tensor):
            values = values.detach().float().cpu().numpy()
            lengths, padded_to = lengths.detach().cpu().numpy(), padded_to.detach().cpu().numpy()
        return MultiVector(np.asarray(values, dtype=np.float32), np.asarray(lengths, dtype=np.int64),
                           np.asarray(padded_to, dtype=np.int64))

    @staticmethod
    def from_list(items: Sequence[torch.Tensor | np.ndarray]) -> MultiVector:
        """Pad per-item (T_i, d) token embeddings with zeros into one set (`padded_to` = the longest T_i,
        as the reference pads the outputs of one encode call)."""
        tensors = [torch.as_tensor(t).detach().float().cpu() for t in items]
        lengths = torch.tensor([len(t) for t in tensors], dtype=torch.int64)
        values = torch.nn.utils.rnn.pad_sequence(tensors, batch_first=True) if tensors else torch.zeros(0, 0, 0)
        return MultiVector(values.numpy(), lengths.numpy())

    def concat_tokens(self, other: MultiVector) -> MultiVector:
        """Item i's tokens followed by other's item i tokens (ColPali-style image+text fusion). The reference
        concatenates the two zero-padded tensors, so an item's padded width is the sum of both widths."""
        a, b = self.numpy(), other.numpy()
        joined = MultiVector.from_list([np.concatenate([a.values[i, : a.lengths[i]],
                                                        b.values[i, : b.lengths[i]]]) for i in range(len(a))])
        return MultiVector(joined.values, joined.lengths, a.padded_to + b.padded_to)


# MaxSim scores on the device in blocks of (queries x documents) whose working set stays under a budget:
# this fraction of the device's free memory, at most the cap (bigger blocks are no faster), at least the floor.
MAXSIM_MEMORY_FRACTION = 0.5
MAXSIM_MAX_BLOCK_BYTES = {"cuda": 4 << 30, "cpu": 512 << 20}
MAXSIM_MIN_BLOCK_BYTES = 8 << 20
# Every token dot product comes from a matrix product of this one shape (rows x dim @ dim x columns, zero-padded
# at the edges): BLAS picks its kernel, hence the rounding, by shape (a 1-row product takes a different path),
# so a fixed shape gives every pair the same floats whichever block it falls in.
MAXSIM_TILE = (512, 1024)
_F32 = 4  # bytes


def free_memory_bytes(device: torch.device) -> int:
    """Bytes `device` can still hand out: on CUDA the driver's free memory plus what PyTorch's allocator holds
    unused; on the host Linux's MemAvailable (4 GiB assumed where that cannot be read)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free + torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device))
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 << 30


def maxsim_budget(device: torch.device) -> int:
    """Bytes one MaxSim block may use on `device`, from its free memory now (see the constants above)."""
    cap = MAXSIM_MAX_BLOCK_BYTES.get(device.type, MAXSIM_MAX_BLOCK_BYTES["cpu"])
    return max(MAXSIM_MIN_BLOCK_BYTES, min(cap, int(MAXSIM_MEMORY_FRACTION * free_memory_bytes(device))))


@dataclass(frozen=True)
class MaxSimPlan:
    """How one `maxsim` call is cut: `queries` x `documents` items per block, padded to `query_width` and
    `document_width` tokens (the inputs' widths), so a block holds at most `budget_bytes` on the device."""

    budget_bytes: int
    queries: int
    documents: int
    query_width: int
    document_width: int

    @property
    def query_vectors(self) -> int:
        return self.queries * self.query_width

    @property
    def document_vectors(self) -> int:
        return self.documents * self.document_width

    @staticmethod
    def fit(n_queries: int, query_width: int, n_docs: int, doc_width: int, dim: int, budget_bytes: int) -> MaxSimPlan:
        """All queries in one block when the budget leaves room for at least 16 documents beside them
        (halving the query block until it does); then as many documents as fit. At least 1 x 1."""
        per_query = _F32 * query_width * dim  # the query's vectors
        per_doc = _F32 * doc_width * dim
        per_pair = _F32 * query_width * (doc_width + 2)  # token similarities, their maxima and the score
        tiles = _F32 * (sum(MAXSIM_TILE) * dim + MAXSIM_TILE[0] * MAXSIM_TILE[1])
        queries = max(1, n_queries)
        while True:
            docs = (budget_bytes - tiles - queries * per_query) // (per_doc + queries * per_pair)
            if docs >= min(n_docs, 16) or queries == 1:
                break
            queries = (queries + 1) // 2
        return MaxSimPlan(budget_bytes, queries, int(min(max(docs, 1), max(n_docs, 1))), query_width, doc_width)


@dataclass
class MaxSimRecord:
    """What MaxSim scoring did since the last `take()`: the largest blocks it used, their count and the
    smallest budget it had. Written into every result of a multi-vector model with the scoring settings
    (the scores themselves do not depend on the blocks)."""

    calls: int = 0
    blocks: int = 0
    min_budget_bytes: int | None = None
    max_query_vectors_per_block: int = 0
    max_document_vectors_per_block: int = 0

    def add(self, plan: MaxSimPlan, blocks: int) -> None:
        self.calls += 1
        self.blocks += blocks
        self.min_budget_bytes = (plan.budget_bytes if self.min_budget_bytes is None
                                 else min(self.min_budget_bytes, plan.budget_bytes))
        self.max_query_vectors_per_block = max(self.max_query_vectors_per_block, plan.query_vectors)
        self.max_document_vectors_per_block = max(self.max_document_vectors_per_block, plan.document_vectors)

    def take(self) -> dict[str, Any]:
        """The counters as a dict; they restart from zero."""
        out = {"calls": self.calls, "blocks": self.blocks, "min_budget_bytes": self.min_budget_bytes,
               "max_query_vectors_per_block": self.max_query_vectors_per_block,
               "max_document_vectors_per_block": self.max_document_vectors_per_block}
        self.calls = self.blocks = self.max_query_vectors_per_block = self.max_document_vectors_per_block = 0
        self.min_budget_bytes = None
        return out


def maxsim(queries: MultiVector, docs: MultiVector, *, padding: MaxSimPadding = "reference",
           device: str | torch.device | None = None, budget_bytes: int | None = None,
           record: MaxSimRecord | None = None) -> torch.Tensor:
    """Late-interaction scores, float32 (Nq, Nd) on `device`: for every query token the best dot product
    with a document token, summed over the query's tokens (ColBERT's MaxSim; Khattab & Zaharia 2020).

    Inputs may live on the host (numpy) or on the device; blocks of queries x documents are moved to
    `device` (default: where `queries` are, else the CPU) and scored there, each holding at most
    `budget_bytes` (default `maxsim_budget`: half the device's free memory, capped). The plan is added to
    `record`. Scores do not depend on the blocks, nor on how items were batched when encoded: each token
    similarity is one dot product, maxima are exact, and a query's token maxima are summed one token at a
    time in token order (`tests/models/test_maxsim.py` checks bit-identity across block sizes).

    padding="reference" (default) reproduces the reference: mteb's ColPali-family wrappers zero-pad every
    encode call's token sets to its longest item (`pad_sequence(..., padding_value=0)`) and score them with
    colpali_engine's `score_multi_vector`, a max over the padded tensors with no mask. A zero query token
    adds exactly 0 (so query padding is masked here), but a zero document token is a candidate with dot
    product 0: every query token's best match against a document shorter than its `padded_to` is floored
    at 0. That depends only on which items were encoded together, not on batching: the set the Embedder
    returns (a task's whole corpus, its labels, ...). The one known difference: the reference encodes
    retrieval corpora in chunks of 50,000 documents, so for larger corpora of varying token counts its
    widths are per chunk (docs/deviations.md D8). padding="masked" ignores padding on both sides
    (padding-independent scores).

    Raises ValueError for an unknown `padding`.
    """
    if padding not in ("reference", "masked"):
        raise ValueError(f"padding must be 'reference' or 'masked', not {padding!r}")
    if device is None:
        device = queries.values.device if isinstance(queries.values, torch.Tensor) else "cpu"
    device = torch.device(device)
    nq, nd = len(queries), len(docs)
    out = torch.empty(nq, nd, dtype=torch.float32, device=device)
    if nq == 0 or nd == 0:
        return out
    width_q, width_d, dim = int(queries.values.shape[1]), int(docs.values.shape[1]), int(docs.values.shape[2])
    plan = MaxSimPlan.fit(nq, width_q, nd, width_d, dim,
                          maxsim_budget(device) if budget_bytes is None else budget_bytes)
    query_blocks = [(start, queries[start : start + plan.queries]) for start in range(0, nq, plan.queries)]
    if len(query_blocks) == 1:  # moved once, not once per document block
        query_blocks = [(0, query_blocks[0][1].to_device(device))]
    blocks = 0
    for d_start in range(0, nd, plan.documents):
        block = docs[d_start : d_start + plan.documents].to_device(device)
        for q_start, q_block in query_blocks:
            out[q_start : q_start + len(q_block), d_start : d_start + len(block)] = _maxsim_block(
                q_block.to_device(device), block, padding)
            blocks += 1
    if record is not None:
        record.add(plan, blocks)
    return out


def _maxsim_block(queries: MultiVector, docs: MultiVector, padding: MaxSimPadding) -> torch.Tensor:
    qv, ql = queries.values, queries.lengths
    dv, dl, dw = docs.values, docs.lengths, docs.padded_to
    (nq, t, dim), (nd, s) = qv.shape, dv.shape[:2]
    device = qv.device
    sims = _tiled_dots(qv.reshape(nq * t, dim), dv.reshape(nd * s, dim)).view(nq, t, nd, s)
    if padding == "reference":
        # The reference's zero tokens floor the best match at 0 for a document shorter than its padded width;
        # its padding in this block is zero tokens too, so it needs no mask (the others have none here).
        best = sims.amax(dim=3)  # (nq, t, nd)
        best = torch.where((dl < dw)[None, None, :], best.clamp(min=0.0), best)
    else:
        d_mask = torch.arange(s, device=device)[None, :] < dl[:, None]  # (nd, s)
        best = sims.masked_fill_(~d_mask[None, None], float("-inf")).amax(dim=3)
    q_mask = torch.arange(t, device=device)[None, :] < ql[:, None]  # (nq, t)
    best = best.masked_fill_(~q_mask[:, :, None], 0.0)
    score = best[:, 0].clone()
    for i in range(1, t):  # token order, one add at a time: the same floats whatever the block's shape
        score += best[:, i]
    return score + 0.0  # -0.0 -> +0.0


def _tiled_dots(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a (M, d) @ b (N, d).T through products of the fixed shape `MAXSIM_TILE` only."""
    rows, cols = MAXSIM_TILE
    out = torch.empty(a.shape[0], b.shape[0], dtype=torch.float32, device=a.device)
    tile_a = torch.zeros(rows, a.shape[1], dtype=torch.float32, device=a.device)
    tile_b = torch.zeros(cols, b.shape[1], dtype=torch.float32, device=a.device)
    for r in range(0, a.shape[0], rows):
        part_a = a[r : r + rows]
        tile_a[: len(part_a)] = part_a
        tile_a[len(part_a) :] = 0.0
        for c in range(0, b.shape[0], cols):
            part_b = b[c : c + cols]
            tile_b[: len(part_b)] = part_b
            tile_b[len(part_b) :] = 0.0
            out[r : r + len(part_a), c : c + len(part_b)] = (tile_a @ tile_b.T)[: len(part_a), : len(part_b)]
    return out


class Encoder:
    """Base class of model wrappers.

    Image inputs arrive as the card's `image.input` says: a float tensor (B, 3, H, W) already
    normalised and on `self.device` ("tensor"), a list of RGB PIL images ("pil"), or a list of encoded
    bytes ("bytes"). Outputs are (B, d) tensors or arrays, or a `MultiVector` for models whose card says
    similarity="max_sim"; the framework converts and checks them. `maxsim_padding` is how those are
    scored (see `maxsim`), `maxsim_block_bytes` the memory one scoring block may use (None: from the device's
    free memory, `maxsim_budget`), `maxsim_record` what that scoring did (written into results).
    """

    maxsim_padding: MaxSimPadding = "reference"
    maxsim_block_bytes: int | None = None

    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        self.meta = meta
        self.device = resolve_device(device)
        self.precision, self.precision_note = resolve_precision(precision, self.device, meta.precision)
        if self.precision_note:
            logger.warning("model %s: %s", meta.name, self.precision_note)
        self.maxsim_record = MaxSimRecord()

    def scoring_info(self) -> dict[str, Any] | None:
        """For multi-vector models, the MaxSim settings (padding, score dtype, device, memory rule) and the
        blocks used since the last call, which restarts the count; None for single-vector models."""
        if self.meta.similarity != "max_sim":
            return None
        rule = ({"block_bytes": self.maxsim_block_bytes} if self.maxsim_block_bytes is not None else
                {"memory_fraction": MAXSIM_MEMORY_FRACTION,
                 "max_block_bytes": MAXSIM_MAX_BLOCK_BYTES.get(self.device.type, MAXSIM_MAX_BLOCK_BYTES["cpu"])})
        return {"padding": self.maxsim_padding, "score_dtype": "float32", "device": str(self.device),
                "tile": list(MAXSIM_TILE), **rule, **self.maxsim_record.take()}

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def modalities(self) -> list[str]:
        return list(self.meta.modalities)

    @property
    def weights_dtype(self) -> torch.dtype:
        """The dtype to load weights in (and cast floating inputs to): float16 / bfloat16 for "fp16" /
        "bf16", float32 otherwise (the "-mixed" precisions keep float32 weights under autocast). Wrappers
        always pass it to `from_pretrained`, which under transformers 5 would otherwise load the dtype the
        checkpoint's config names (docs/deviations.md D5)."""
        return _DTYPES.get(self.precision, torch.float32)

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        """Inference mode plus, for the "-mixed" precisions, autocast to their half dtype."""
        with torch.inference_mode():
            if not self.precision.endswith("-mixed"):
                yield
            else:
                dtype = _DTYPES[self.precision.removesuffix("-mixed")]
                with torch.autocast(device_type=self.device.type, dtype=dtype):
                    yield

    def encode_images(self, images: Any, ctx: EncodeContext) -> Any:
        raise ModalityError(f"model {self.name} does not encode images")

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> Any:
        raise ModalityError(f"model {self.name} does not encode text")

    def encode_fused(self, images: Any, texts: Sequence[str], ctx: EncodeContext) -> Any:
        """Joint image+text inputs, for models whose card says fusion="joint"."""
        raise ModalityError(f"model {self.name} does not encode joint image+text inputs")

    def similarity(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(N, d) x (M, d) -> (N, M) scores under the card's similarity function."""
        if self.meta.similarity == "cosine":
            a = torch.nn.functional.normalize(a.float(), dim=-1)
            b = torch.nn.functional.normalize(b.float(), dim=-1)
            return a @ b.T
        if self.meta.similarity == "dot":
            return a.float() @ b.float().T
        if self.meta.similarity == "max_sim":
            return maxsim(_multi(a), _multi(b), padding=self.maxsim_padding, device=self.device,
                          budget_bytes=self.maxsim_block_bytes, record=self.maxsim_record)
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")

    def similarity_pairwise(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(N, d) x (N, d) -> (N,) scores of matching rows."""
        if self.meta.similarity == "cosine":
            return torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=-1)
        if self.meta.similarity == "dot":
            return (a.float() * b.float()).sum(-1)
        if self.meta.similarity == "max_sim":
            a, b = _multi(a), _multi(b)
            if len(a) != len(b):
                raise ValueError(f"{len(a)} and {len(b)} items: pairwise scores need as many on each side")
            out = torch.zeros(len(a), dtype=torch.float32, device=self.device)
            for i in range(len(a)):
                out[i] = maxsim(a[i : i + 1], b[i : i + 1], padding=self.maxsim_padding, device=self.device,
                                budget_bytes=self.maxsim_block_bytes, record=self.maxsim_record)[0, 0]
            return out
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")


class TextSearcher(Encoder):
    """A model that ranks a text corpus for text queries itself instead of embedding them (lexical retrievers:
    BM25). The retrieval and multiple-choice kinds call `search` with the texts the reference gives such a
    model (each side's text only: images are ignored); it has no embeddings for other task kinds."""

    def search(self, queries: Sequence[str], corpus: Sequence[str], k: int, *,
               languages: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The top `k` corpus positions of every query, best first: (int64 (Q, k'), float32 (Q, k')),
        k' = min(k, len(corpus)). `languages` are the task's evaluation languages ("eng-Latn", ...)."""
        raise NotImplementedError

    def encode_texts(self, texts: Sequence[str], ctx: EncodeContext) -> Any:
        raise ModalityError(f"model {self.name} ranks documents itself and has no embeddings: it runs only on "
                            f"retrieval and multiple-choice tasks (task {ctx.task_name} needs embeddings)")


def _multi(x: Any) -> MultiVector:
    if not isinstance(x, MultiVector):
        raise TypeError(f"max_sim scores MultiVector embeddings, not {type(x).__name__}")
    return x
