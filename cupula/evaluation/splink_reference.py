"""Splink (DuckDB backend), configured as its documentation recommends, on the same sets.

For each set: comparisons from Splink's comparison library for the columns it has,
``estimate_probability_two_random_records_match`` from strict deterministic rules,
``estimate_u_using_random_sampling``, EM on two blocking rules, ``predict``, then
connected-components clustering at several thresholds (Splink's own method), of
which the evaluation reports the best pairwise F1: the comparison is against
Splink at its best threshold, cupula at its default.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

THRESHOLDS = (0.2, 0.5, 0.8, 0.9, 0.95, 0.99)


def available() -> bool:
    try:
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def _settings(name: str, columns: dict[str, list[Any]]) -> tuple[Any, list[Any], list[Any]]:
    """(settings, deterministic rules for the prior, EM blocking rules) for one set."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any]
    blocking: list[Any]
    if "dob" in columns and "first_name_surname_concat" in columns:  # historical_50k
        comparisons = [
            cl.ForenameSurnameComparison(
                "first_name", "surname",
                forename_surname_concat_col_name="first_name_surname_concat",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("gender"),
        ]  # fmt: skip
        blocking = [
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ]
        deterministic = [block_on("first_name", "surname", "dob"), "l.dob = r.dob and "
                         "l.postcode_fake = r.postcode_fake"]  # fmt: skip
        em = [block_on("first_name", "surname"), block_on("dob")]
    elif "soc_sec_id" in columns:  # febrl1-3, as in Splink's own Febrl examples
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.NameComparison("suburb"),
        ]
        blocking = [
            block_on("substr(given_name,1,3)", "substr(surname,1,4)"),
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("surname", "postcode"),
            block_on("given_name", "postcode"),
            block_on("street_number", "suburb"),
        ]
        deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname",
                                                          "date_of_birth")]  # fmt: skip
        em = [block_on("date_of_birth"), block_on("given_name", "surname"),
              block_on("soc_sec_id")]  # fmt: skip
    elif "dob" in columns and name == "synthetic":  # bench/resolve_scale.py, 1M records
        # At a million records single-column rules (block_on("surname")) give hundreds of
        # millions of pairs; Splink's guidance is to keep each rule's comparisons in the
        # tens of millions, so every rule pairs two columns (as in its 50k example).
        comparisons = [
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ]
        blocking = [
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("city", "dob"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ]
        deterministic = [block_on("first_name", "surname", "dob")]
        em = [block_on("first_name", "surname"), block_on("dob")]
    elif "dob" in columns:  # fake_1000
        comparisons = [
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ]
        blocking = [
            block_on("first_name", "city"),
            block_on("surname"),
            block_on("dob"),
            block_on("email"),
        ]
        deterministic = [block_on("first_name", "surname", "dob"), block_on("email")]
        em = [block_on("first_name", "surname"), block_on("dob")]
    else:  # name-only sets (PATSTAT, OFAC aliases, transliteration)
        comparisons = [
            cl.NameComparison("full_name").configure(term_frequency_adjustments=True),
            cl.ArrayIntersectAtSizes("name_tokens", [2, 1]),
        ]
        if "coauthors" in columns:
            comparisons.append(cl.ArrayIntersectAtSizes("coauthors", [2, 1]))
        blocking = [
            block_on("first_token"),
            block_on("last_token"),
            block_on("substr(full_name, 1, 3)"),
        ]
        deterministic = [block_on("full_name")]
        em = [block_on("first_token"), block_on("last_token")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    return settings, deterministic, em


def run_splink(
    name: str, columns: dict[str, list[Any]], thresholds: Sequence[float] = THRESHOLDS
) -> dict[str, Any]:
    """Splink's clusters at each threshold: ``{"clusters": {t: [[row, ...], ...]},
    "seconds": ...}`` with rows as indices into the columns."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    db_api = DuckDBAPI()
    table = db_api.register(pa.table(columns))
    settings, deterministic, em = _settings(name, columns)
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # EM cannot train every comparison from every rule
            logging.getLogger(__name__).info("Splink EM on %s: %s", rule, exc)
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    out: dict[str, Any] = {"clusters": {}}
    for threshold in thresholds:
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        rows = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
        groups: dict[Any, list[int]] = {}
        for uid, cid in rows:
            groups.setdefault(cid, []).append(int(uid))
        out["clusters"][threshold] = list(groups.values())
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out
