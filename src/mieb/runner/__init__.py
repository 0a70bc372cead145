"""Running tasks: the runner (`run.py`) and the framework-owned encoding engine (`embedder.py`)."""

from mieb.runner.run import MIEB, RunReport, evaluate

__all__ = ["MIEB", "RunReport", "evaluate"]
