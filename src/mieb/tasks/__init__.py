"""Tasks: metadata, the catalog and the evaluation protocols (`kinds/`)."""

from mieb.tasks.metadata import TaskMetadata
from mieb.tasks.registry import get_task, get_task_metadata, get_tasks, task_names
from mieb.tasks.task import Task

__all__ = ["Task", "TaskMetadata", "get_task", "get_task_metadata", "get_tasks", "task_names"]
