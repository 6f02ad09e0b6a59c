"""The same resolution on local Spark: the same candidate pairs, the same evidence."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from cupula.resolve.engine import ResolveOptions, score_records, units_of
from tests.resolve.test_engine import OTHERS, PEOPLE

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this environment
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cupula-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_scores_as_the_single_machine_engine(spark: object) -> None:
    from cupula.resolve.spark import score_on_spark

    # Spark scores identical records each on its own: compare on records all distinct
    _units, firsts = units_of(PEOPLE + OTHERS, None, frozenset())
    records = [(PEOPLE + OTHERS)[i] for i in firsts]
    assert len(records) > 80
    options = ResolveOptions(review=0.05, calibrate=False)  # Spark: fixed weights only
    local = score_records(records, options)
    links, prior, stats = score_on_spark(spark, records, options)
    assert stats["records"] == len(records)
    assert prior == pytest.approx(local.prior, abs=1e-6)

    def rows(left: np.ndarray, right: np.ndarray, bits: np.ndarray) -> list[tuple[int, int, float]]:
        return sorted(zip(left.tolist(), right.tolist(), np.round(bits, 6).tolist(), strict=True))

    assert rows(links.left, links.right, links.bits) == rows(
        local.links.left, local.links.right, local.links.bits
    )
    assert len(links.bits) > 5
    local.close()
