"""Model cards as data: every module here defines `MODELS: list[ModelMeta]`."""
