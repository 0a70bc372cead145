"""Stand-in for the ColQwen3 checkpoints' processing code (see ../README.md), over transformers'
Qwen3VLProcessor. `ColQwen3Processor` is TomoroAI's surface: `from_pretrained(max_num_visual_tokens=...)` caps
the pixels, and calling it with `images` and/or `text` builds the page prompt (with the text after it) or the
query (`query_prefix` + stripped text + ten pad tokens). `OpsColQwen3Processor` is OpenSearch-AI's:
`process_images` and `process_queries`."""

from __future__ import annotations

from typing import Any

from transformers import BatchFeature, Qwen3VLProcessor

PAGE_PREFIX = "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image."
PAGE_SUFFIX = "<|im_end|><|endoftext|>"


class ColQwen3Processor(Qwen3VLProcessor):
    query_prefix = ""

    def __init__(self, image_processor: Any = None, tokenizer: Any = None, video_processor: Any = None,
                 chat_template: Any = None, **kwargs: Any):
        super().__init__(image_processor, tokenizer, video_processor, chat_template=chat_template, **kwargs)
        self.tokenizer.padding_side = "left"

    @classmethod
    def from_pretrained(cls, *args: Any, max_num_visual_tokens: int = 1280, **kwargs: Any) -> ColQwen3Processor:
        processor = super().from_pretrained(*args, **kwargs)
        tile = processor.image_processor.patch_size * processor.image_processor.merge_size
        processor.image_processor.max_pixels = max_num_visual_tokens * tile * tile
        processor.image_processor.size["longest_edge"] = processor.image_processor.max_pixels
        return processor

    def __call__(self, images: list | None = None, text: list[str] | None = None, **kwargs: Any) -> BatchFeature:
        if images is not None:
            extra = [t.strip() for t in text] if text is not None else [""] * len(images)
            prompts = [f"{PAGE_PREFIX} {t}{PAGE_SUFFIX}" if t else PAGE_PREFIX + PAGE_SUFFIX for t in extra]
            images = [[im.convert("RGB")] for im in images]
        else:
            pad = self.tokenizer.pad_token * 10
            prompts = [self.query_prefix + t.strip() + pad for t in text or []]
        return super().__call__(images=images, text=prompts, padding="longest", return_tensors="pt")


class OpsColQwen3Processor(Qwen3VLProcessor):
    query_prefix = "Query: "

    def __init__(self, image_processor: Any = None, tokenizer: Any = None, video_processor: Any = None,
                 chat_template: Any = None, **kwargs: Any):
        super().__init__(image_processor, tokenizer, video_processor, chat_template=chat_template, **kwargs)
        self.tokenizer.padding_side = "left"

    def process_images(self, images: list) -> BatchFeature:
        prompt = "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|>"
        return super().__call__(images=[im.convert("RGB") for im in images], text=[prompt] * len(images),
                                padding="longest", return_tensors="pt")

    def process_queries(self, texts: list[str]) -> BatchFeature:
        return super().__call__(text=[self.query_prefix + t + "<|endoftext|>" * 10 for t in texts],
                                padding="longest", return_tensors="pt")
