"""The fault suite (`pytest -m faults`): faults injected into real runs, and a ledger printed at the end.

Each test records what it injected, how many runs completed (a re-run after a kill, a run that goes on
past a fault) and how many finished results were lost; the summary must say "results lost: 0".
"""

from __future__ import annotations

import pytest
from fault_helpers import LEDGER, Ledger


@pytest.fixture
def ledger() -> Ledger:
    return LEDGER


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not LEDGER.faults and not LEDGER.skipped:
        return
    terminalreporter.write_sep("=", "fault suite")
    for fault, outcome in LEDGER.faults:
        terminalreporter.write_line(f"  {fault}: {outcome}")
    for why in LEDGER.skipped:
        terminalreporter.write_line(f"  not injected here: {why}")
    terminalreporter.write_line(f"faults injected: {len(LEDGER.faults)}, runs completed: {LEDGER.runs_completed}, "
                                f"results lost: {LEDGER.results_lost}")
