"""The contributor docs stay true: every protocol section and quirk the code cites exists in
docs/protocol.md, every kind is documented there, and every field of the metadata models is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mieb.data.source import DatasetRef
from mieb.models.meta import ModelMeta
from mieb.tasks.kinds import KINDS
from mieb.tasks.metadata import TaskMetadata

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def cited(pattern: str) -> set[str]:
    out: set[str] = set()
    for folder in ("src", "tests", "scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            out |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return out


def test_every_cited_section_exists() -> None:
    sections = cited(r"docs/protocol\.md,? section (\w+)")
    assert sections >= {"1", "2", "3", "4", "5", "6", "7", "8", "a", "f"}
    headings = set(re.findall(r"^## Section (\w+)\.", PROTOCOL, re.M))
    assert sections <= headings, sorted(sections - headings)


def test_every_cited_quirk_exists() -> None:
    quirks = {int(n) for n in cited(r"\bquirks? (\d+)")}
    listed = PROTOCOL.split("## Known quirks", 1)[1]
    numbered = {int(n) for n in re.findall(r"^(\d+)\. \*\*", listed, re.M)}
    assert quirks and quirks <= numbered, sorted(quirks - numbered)
    assert numbered == set(range(1, max(numbered) + 1))


def test_every_kind_is_documented() -> None:
    for kind in KINDS:
        assert f"Kind `{kind}`" in PROTOCOL or f"kind `{kind}`" in PROTOCOL, kind


@pytest.mark.parametrize("model", [TaskMetadata, ModelMeta, DatasetRef])
def test_every_field_is_documented(model: type) -> None:
    doc = model.__doc__ or ""
    missing = [f for f in model.model_fields if not re.search(rf"^\s+(\w+, )*{f}\b[^\n]*:", doc, re.M)]
    assert missing == [], missing


def test_glossary_maps_mieb_words() -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for word in ("kind", "card", "Embedder", "settings", "EmbedderView", "split context", "custom loader"):
        assert f"**{word}**" in glossary, word
