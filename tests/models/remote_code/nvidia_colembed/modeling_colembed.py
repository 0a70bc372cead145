"""Stand-in of NVIDIA ColEmbed's remote-code model surface: `forward_queries(texts, batch_size)` (one
zero-padded tensor for the whole call), `forward_images(images, batch_size)` (a list of per-item tensors that
keep their batch's zero padding) and `get_scores(queries, passages)` (MaxSim over zero-padded tensors). The
insides are colpali_engine's ColQwen3_5 with the processor saved next to the weights; the real checkpoints'
architectures, prompts and tiling are not reproduced."""

import torch
from colpali_engine.models import ColQwen3_5, ColQwen3_5Processor

from .configuration_colembed import ColEmbedConfig


class ColEmbedModel(ColQwen3_5):
    config_class = ColEmbedConfig

    def _processor(self) -> ColQwen3_5Processor:
        if not hasattr(self, "_proc"):
            self._proc = ColQwen3_5Processor.from_pretrained(self.name_or_path)
        return self._proc

    def _run(self, items, batch_size, process):
        rows = []
        with torch.no_grad():
            for start in range(0, len(items), batch_size):
                inputs = process(items[start : start + batch_size])
                out = self(**inputs)
                # zero where the batch padded (NaN-free on every attention kernel)
                rows.extend(torch.where(inputs["attention_mask"].bool()[..., None], out, 0.0))
        return rows

    def forward_queries(self, queries, batch_size=8):
        rows = self._run(list(queries), batch_size, self._processor().process_queries)
        return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=0)

    def forward_images(self, images, batch_size=8):
        return self._run(list(images), batch_size, self._processor().process_images)

    def get_scores(self, query_embeddings, passage_embeddings, batch_size=8):
        return ColQwen3_5Processor.score_multi_vector(list(query_embeddings), list(passage_embeddings),
                                                      batch_size=batch_size, device="cpu")
