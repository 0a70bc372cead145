"""Stand-in of jina-embeddings-v4's remote-code surface: `encode_text(texts, task, prompt_name, batch_size,
return_multivector, return_numpy)` and `encode_image(images, task, batch_size, max_pixels, return_multivector,
return_numpy)`, each returning a list with one tensor per input (a unit vector, or unit token vectors). Texts
get a "Query: " / "Passage: " prompt; the task picks an "adapter" (here a fixed per-task transform of the
token vectors). The insides are colpali_engine's ColQwen3_5; the real model's architecture, adapters and
pooling are not reproduced."""

import torch
from colpali_engine.models import ColQwen3_5, ColQwen3_5Processor

from .configuration_jina_embeddings_v4 import JinaEmbeddingsV4Config

TASKS = ("retrieval", "text-matching", "code")
PROMPTS = {"query": "Query: ", "passage": "Passage: "}


class JinaEmbeddingsV4Model(ColQwen3_5):
    config_class = JinaEmbeddingsV4Config

    def _processor(self) -> ColQwen3_5Processor:
        if not hasattr(self, "_proc"):
            self._proc = ColQwen3_5Processor.from_pretrained(self.name_or_path)
        return self._proc

    def _encode(self, items, process, task, batch_size, return_multivector):
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}")
        shift = torch.roll(torch.eye(self.dim), TASKS.index(task), dims=0)  # the "adapter"
        out = []
        with torch.no_grad():
            for start in range(0, len(items), batch_size):
                inputs = process(items[start : start + batch_size])
                tokens = torch.nn.functional.normalize(self(**inputs) @ shift, dim=-1)
                for row, mask in zip(tokens, inputs["attention_mask"].bool(), strict=True):
                    kept = row[mask]
                    out.append(kept if return_multivector
                               else torch.nn.functional.normalize(kept.mean(0), dim=-1))
        return out

    def encode_text(self, texts, task="retrieval", prompt_name="query", batch_size=8, return_multivector=False,
                    return_numpy=False, **kwargs):
        prefix = PROMPTS[prompt_name]
        return self._encode([prefix + t for t in texts], self._processor().process_texts, task, batch_size,
                            return_multivector)

    def encode_image(self, images, task="retrieval", batch_size=8, max_pixels=None, return_multivector=False,
                     return_numpy=False, **kwargs):
        return self._encode(list(images), self._processor().process_images, task, batch_size, return_multivector)
