"""Task lookup and selection (`get_task`, `get_tasks`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from mieb.errors import UnknownNameError
from mieb.tasks.metadata import TASK_CATEGORIES, TASK_TYPES, TaskMetadata
from mieb.tasks.task import Task


@cache
def _catalog() -> dict[str, TaskMetadata]:
    from mieb.tasks.catalog import load_catalog

    return load_catalog()


def task_names() -> list[str]:
    return list(_catalog())


def get_task_metadata(name: str) -> TaskMetadata:
    try:
        return _catalog()[name]
    except KeyError:
        raise UnknownNameError("task", name, _catalog()) from None


def get_task(name: str, languages: list[str] | None = None, hf_subsets: list[str] | None = None) -> Task:
    """One task by exact name, optionally restricted to some languages or subsets."""
    task = Task(get_task_metadata(name), hf_subsets)
    if languages:
        filtered = task.filter_languages(languages)
        if filtered is None:
            raise ValueError(f"task {name} has no subset in languages {languages}")
        task = filtered
    return task


def get_tasks(
    tasks: Iterable[str] | None = None,
    *,
    task_types: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    modalities: Iterable[str] | None = None,
    exclusive_modality_filter: bool = False,
    include_offline: bool = False,
) -> list[Task]:
    """Select tasks by name and/or filters; every filter given must hold.

    `languages` ('eng' or 'eng-Latn', ISO 639-3) also restricts multilingual tasks to the matching subsets.
    `modalities` keeps tasks using any of them, or only them with `exclusive_modality_filter`.
    The offline world's tasks (ShapesZeroShot, ...) are selected by name or through MIEB(offline); a
    selection by filters leaves them out unless `include_offline` (as the reference keeps its mock tasks
    out of `get_tasks`).

    Raises `UnknownNameError` for an unknown task name, task type or category, and for a language no
    task has (with the ISO 639-3 hint). An empty result is possible: filters that each select tasks
    may have none in common.
    """
    catalog = _catalog()
    if tasks is not None:
        names = list(tasks)
        for n in names:
            if n not in catalog:
                raise UnknownNameError("task", n, catalog)
        metas = [catalog[n] for n in dict.fromkeys(names)]
    else:
        metas = [m for m in catalog.values() if include_offline or m.dataset.generator is None]
    if task_types is not None:
        types = list(task_types)
        for t in types:
            if t not in TASK_TYPES:
                raise UnknownNameError("task type", t, TASK_TYPES, hint=f"Task types: {', '.join(TASK_TYPES)}.")
        metas = [m for m in metas if m.type in types]
    if categories is not None:
        cats = set(categories)
        for c in cats:
            if c not in TASK_CATEGORIES:
                raise UnknownNameError("category", c, TASK_CATEGORIES,
                                       hint=f"Categories are query2document sides (i = image, t = text, c = class "
                                            f"label): {', '.join(TASK_CATEGORIES)}.")
        metas = [m for m in metas if m.category in cats]
    if modalities is not None:
        mods = set(modalities)
        if exclusive_modality_filter:
            metas = [m for m in metas if set(m.modalities) <= mods]
        else:
            metas = [m for m in metas if mods & set(m.modalities)]
    out = [Task(m) for m in metas]
    if languages is not None:
        langs = list(languages)
        check_languages(langs)
        out = [t for t in (t.filter_languages(langs) for t in out) if t is not None]
    return out


def task_languages() -> list[str]:
    """Every ISO 639-3 code (without script) some task of the catalog covers, sorted."""
    return sorted({code for m in _catalog().values() for code in m.languages})


def check_languages(languages: Iterable[str]) -> None:
    """Raise `UnknownNameError` for a language no task covers, e.g. "english" (codes are ISO 639-3: "eng")."""
    known = task_languages()
    with_script = {code.lower() for m in _catalog().values()
                   for group in (m.eval_langs.values() if isinstance(m.eval_langs, dict) else [m.eval_langs])
                   for code in group}
    for lang in languages:
        if lang.lower() in (with_script if "-" in lang else known):
            continue
        raise UnknownNameError(
            "language", lang, known,
            hint=f"Languages are ISO 639-3 codes, optionally with a script: 'eng' or 'eng-Latn'. The tasks "
                 f"cover: {', '.join(known)}.")
