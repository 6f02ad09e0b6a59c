"""The best average precision any method could reach on a labelled network, read from the
raw files: a known leader who never appears in a network counts 0 whatever the ranking.

Montagna's target (average precision >= 0.5) cannot be met on the phone calls: only 3 of
the 8 known leaders make or receive a call there (docs/leaders.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cupula.evaluation.leaders import MONTAGNA_LEADERS, CaseResult, evaluate, montagna_cases
from cupula.evaluation.sources import BUNDLED


def _people_in(path: Path) -> set[str]:
    """Node ids (k for Nk) named in a tab-separated edge list, self-loops included."""
    people: set[str] = set()
    for line in path.read_text().splitlines():
        if line.strip():
            a, b, _ = line.split()
            people.update({a, b})
    return people


@pytest.fixture(scope="module")
def results() -> dict[str, CaseResult]:
    return {case.name: evaluate(case) for case in montagna_cases(Path(BUNDLED["montagna"]))}


@pytest.mark.parametrize(
    ("network", "files"),
    [
        ("phone calls", ["Montagna_phonecalls_edgelist.tsv"]),
        ("meetings", ["Montagna_meetings_edgelist.tsv"]),
        (
            "calls + meetings",
            ["Montagna_phonecalls_edgelist.tsv", "Montagna_meetings_edgelist.tsv"],
        ),
    ],
)
def test_ceiling_counts_the_leaders_the_raw_files_hold(
    results: dict[str, CaseResult], network: str, files: list[str]
) -> None:
    folder = Path(BUNDLED["montagna"])
    present = MONTAGNA_LEADERS & set().union(*(_people_in(folder / f) for f in files))
    result = results[network]
    assert result.leaders_present == len(present)
    assert result.ceiling == pytest.approx(len(present) / len(MONTAGNA_LEADERS))
    assert result.ours.average_precision <= result.ceiling
    assert result.as_dict()["ceiling"] == round(result.ceiling, 4)


def test_the_calls_cannot_reach_the_target(results: dict[str, CaseResult]) -> None:
    calls = results["phone calls"]
    assert calls.leaders_present == 3
    assert calls.ceiling == pytest.approx(0.375)
    assert calls.ceiling < 0.5
