"""Results on disk: the reference's TaskResult format plus a `mieb` block of run facts."""

from mieb.results.io import error_path, result_path, write_json_atomic
from mieb.results.schema import TaskResult

__all__ = ["TaskResult", "error_path", "result_path", "write_json_atomic"]
