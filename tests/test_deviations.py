"""docs/deviations.md lists each deliberate difference from the reference and from upstream model usage;
the code that makes one cites its entry ("docs/deviations.md D<n>" or "deviations.md D<n>"). Every entry
is cited by the code it describes, and every citation names an entry."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRY = re.compile(r"^\*\*D(\d+)\. ", re.MULTILINE)
CITATION = re.compile(r"deviations\.md\s+D(\d+)")


def test_every_entry_is_cited_and_every_citation_exists() -> None:
    page = (ROOT / "docs" / "deviations.md").read_text()
    entries = [int(n) for n in ENTRY.findall(page)]
    assert entries == list(range(1, len(entries) + 1)), "entries are numbered D1, D2, ... in order"
    cited: dict[int, list[str]] = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        for n in CITATION.findall(path.read_text()):
            cited.setdefault(int(n), []).append(str(path.relative_to(ROOT)))
    assert not set(cited) - set(entries), f"citations of missing entries: {set(cited) - set(entries)}"
    assert not set(entries) - set(cited), f"entries no code cites: {sorted(set(entries) - set(cited))}"
