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
    by CPU kernels. Anything else is run as asked. Raises ValueError for an unknown precision.
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


def maxsim(queries: MultiVector, docs: MultiVector, max_block_elements: int = 1 << 26, *,
           padding: MaxSimPadding = "reference") -> torch.Tensor:
    """Late-interaction scores (Nq, Nd): for every query token the best dot product with a document token,
    summed over the query's tokens. Documents are scored in blocks so that the (q, n, t, s) product stays
    under `max_block_elements`.

    padding="reference" (default) reproduces the reference: mteb's ColPali wrapper zero-pads every encode
    call's token sets to its longest item (`pad_sequence(..., padding_value=0)`) and scores them with
    colpali_engine's `score_multi_vector`, an einsum over the padded tensors with no mask. A zero query
    token adds exactly 0 (so query padding is masked here), but a zero document token is a candidate with
    dot product 0: every query token's best match against a document shorter than its `padded_to` is
    floored at 0. That depends only on which items were encoded together, not on batching: the set the
    Embedder returns (a task's whole corpus, its labels, ...). The one known difference: the reference
    encodes retrieval corpora in chunks of 50,000 documents, so for larger corpora of varying token counts
    its widths are per chunk. padding="masked" ignores padding on both sides (padding-independent scores).
    """
    if padding not in ("reference", "masked"):
        raise ValueError(f"padding must be 'reference' or 'masked', not {padding!r}")
    qv, ql = queries.values, queries.lengths
    dv, dl, dw = docs.values, docs.lengths, docs.padded_to
    nq, t = qv.shape[0], qv.shape[1]
    nd, s = dv.shape[0], dv.shape[1]
    out = torch.empty(nq, nd, dtype=torch.float32, device=qv.device)
    if nq == 0 or nd == 0:
        return out
    q_mask = torch.arange(t, device=qv.device)[None, :] < ql[:, None]  # (Nq, T)
    step = max(1, max_block_elements // max(1, nq * t * s))
    for start in range(0, nd, step):
        block, lens = dv[start : start + step], dl[start : start + step]
        sims = torch.einsum("qtd,nsd->qnts", qv, block)
        d_mask = torch.arange(s, device=qv.device)[None, :] < lens[:, None]  # (n, S)
        sims = sims.masked_fill(~d_mask[None, :, None, :], float("-inf")).amax(dim=-1)  # (Nq, n, T)
        if padding == "reference":
            zero_padded = lens < dw[start : start + step]  # (n,): the reference's tensor has zero tokens
            sims = torch.where(zero_padded[None, :, None], sims.clamp(min=0.0), sims)
        out[:, start : start + len(block)] = sims.masked_fill(~q_mask[:, None, :], 0.0).sum(dim=-1)
    return out


class Encoder:
    """Base class of model wrappers.

    Image inputs arrive as the card's `image.input` says: a float tensor (B, 3, H, W) already
    normalised and on `self.device` ("tensor"), a list of RGB PIL images ("pil"), or a list of encoded
    bytes ("bytes"). Outputs are (B, d) tensors or arrays, or a `MultiVector` for models whose card says
    similarity="max_sim"; the framework converts and checks them. `maxsim_padding` is how those are
    scored (see `maxsim`).
    """

    maxsim_padding: MaxSimPadding = "reference"

    def __init__(self, meta: ModelMeta, device: str | None = None, precision: str | None = None):
        self.meta = meta
        self.device = resolve_device(device)
        self.precision, self.precision_note = resolve_precision(precision, self.device, meta.precision)
        if self.precision_note:
            logger.warning("model %s: %s", meta.name, self.precision_note)

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def modalities(self) -> list[str]:
        return list(self.meta.modalities)

    @property
    def weights_dtype(self) -> torch.dtype:
        """The dtype to load weights in (and cast floating inputs to): float16 / bfloat16 for "fp16" /
        "bf16", float32 otherwise (the "-mixed" precisions keep float32 weights under autocast)."""
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
            return maxsim(_on_device(a, self.device), _on_device(b, self.device), padding=self.maxsim_padding)
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")

    def similarity_pairwise(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(N, d) x (N, d) -> (N,) scores of matching rows."""
        if self.meta.similarity == "cosine":
            return torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=-1)
        if self.meta.similarity == "dot":
            return (a.float() * b.float()).sum(-1)
        if self.meta.similarity == "max_sim":
            a, b = _on_device(a, self.device), _on_device(b, self.device)
            return torch.stack([maxsim(a[[i]], b[[i]], padding=self.maxsim_padding)[0, 0]
                                for i in range(len(a))]) if len(a) else \
                torch.zeros(0)
        raise NotImplementedError(f"similarity {self.meta.similarity!r} needs a wrapper-specific implementation")


def _on_device(x: Any, device: torch.device) -> MultiVector:
    if not isinstance(x, MultiVector):
        raise TypeError(f"max_sim scores MultiVector embeddings, not {type(x).__name__}")
    return x.to_device(device) if not isinstance(x.values, torch.Tensor) or x.values.device != device else x
