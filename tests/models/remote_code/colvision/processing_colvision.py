"""Stand-in remote-code processor: colpali_engine's ColQwen3_5Processor (`process_queries`, `process_images`,
`score_multi_vector`, and the `max_num_visual_tokens` budget Argus's processor takes)."""

from colpali_engine.models import ColQwen3_5Processor


class ColVisionProcessor(ColQwen3_5Processor):
    pass
