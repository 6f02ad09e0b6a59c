"""Explainable scoring: each feature adds or removes evidence, in bits.

The model is Fellegi–Sunter's, as in Splink: a pair's score is the prior log-odds that
two records match plus, for each feature, log2(m/u), how much likelier the observed
agreement is between records of one entity than between records of two. A score of
+10 bits reads "about a thousand times likelier a match than not". Name tokens weigh
as rare as they are in the data itself (see ``frame``); every other level has a fixed
weight, which ``calibration`` re-estimates from the data of each run where the data
are large enough (as Splink fits m and u), so a partner's clerks who retype ids make a
conflicting id cost less. The explanation of a pair gives the bits actually used.

Every feature is one SQL expression over the pair's two rows ``a`` and ``b``; the
batch (millions of pairs) and the explanation of one pair run the same expression.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cupula.resolve.normalize import FILLER, FORMAT_OF
from cupula.resolve.records import Record

# Bits of evidence from one token of a name finding its best counterpart: the token's
# weight (how rare it is) less how much likelier an error of that kind is than an exact
# agreement, log2(1/m): about 0.2 bits for exact, 1 for the same consonant skeleton
# (transliteration) or phonetic key, 1.5 to 4 for a typo by Jaro-Winkler, and an
# initial is worth at most 2 bits. Non-exact agreements weigh as the more common of the
# two tokens, so a misspelt (hence rare) token does not weigh like a rare surname.
TOKEN_AGREEMENT = """
CASE WHEN x.t = y.t THEN x.w - 0.2
     WHEN len(x.t) = 1 OR len(y.t) = 1 THEN
        CASE WHEN x.t[1] = y.t[1] THEN least(x.w, y.w, 2.0) ELSE 0.0 END
     WHEN x.s = y.s AND len(x.s) >= 2 THEN least(x.w, y.w, x.ws) - 1.0
     WHEN x.p = y.p AND len(x.p) >= 2 THEN least(x.w, y.w) - 1.0
     WHEN jaro_winkler_similarity(x.t, y.t) >= 0.84 THEN
        least(x.w, y.w) - 1.5 - (0.97 - least(jaro_winkler_similarity(x.t, y.t), 0.97)) * 40
     ELSE 0.0
END
"""
# The agreement of every token of a's names with every token of b's (the expression is
# symmetric, so one matrix serves both directions), then the bits each side's tokens
# find in the other's, best match each: ca along the rows, cb down the columns.
AGREEMENT_MATRIX = (
    "list_transform(a.tok, lambda x: list_transform(b.tok, lambda y: "
    + TOKEN_AGREEMENT.strip()
    + "))"
)
ROW_BEST = "list_transform(m, lambda row: greatest(0.0, list_max(row)))"
COLUMN_BEST = (
    "list_transform(range(1, len(b_tok) + 1), lambda j: "
    "greatest(0.0, list_max(list_transform(m, lambda row: row[j]))))"
)
# The weight of the tokens that found no counterpart at all (a fuzzy match already paid
# for its error in the agreement).
# A token's weight counts at most ``cap`` bits here: a replaced name costs as often as
# names are replaced between records of one person, whatever the token's rarity (see
# ``calibration``; without an estimate, no cap).
UNMATCHED = (
    "list_sum(list_transform(range(1, len({best}) + 1), lambda i: "
    "CASE WHEN {best}[i] <= 0 THEN least({tok}[i].w, {cap}) ELSE 0.0 END))"
)
NO_CAP = 1e9


def _sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in sorted(values)) + "]::VARCHAR[]"


# Identifier kinds (property names) whose values a library validates (checksums).
CHECKED_KINDS = _sql_list([*FORMAT_OF, "phone", "email"])

DATE_AGREEMENT = """
CASE WHEN x = y THEN (CASE len(x) WHEN 10 THEN 12.0 WHEN 7 THEN 7.0 ELSE 5.0 END)
     WHEN len(x) = 10 AND len(y) = 10 AND x[1:4] = y[1:4] AND x[6:7] = y[9:10]
          AND x[9:10] = y[6:7] THEN 8.0
     WHEN starts_with(x, y) OR starts_with(y, x) THEN 4.0
     WHEN len(x) = 10 AND len(y) = 10 AND levenshtein(x, y) = 1 THEN 5.0
     WHEN x[1:4] = y[1:4] THEN 2.0
     WHEN abs(TRY_CAST(x[1:4] AS INTEGER) - TRY_CAST(y[1:4] AS INTEGER)) <= 1 THEN 0.0
     ELSE -5.0
END
"""


SHARED_ID_BITS = 20.0
DIFFERENT_ID_BITS = -10.0
# One character off in an identifier no checksum guards (a passport or national id
# number typed by hand, of seven characters or more): a typo, likelier than another
# person's number, but not as sure as agreement. Numbers that differ only in their last
# character are not counted: registries issue consecutive numbers to sister companies
# and to family members applying together.
TYPO_ID_BITS = 8.0


# The same address: at least three place words shared (street, suburb, postcode…) and
# at most one word of the shorter address missing from the other (a typo). Between
# records of different people that is a household, a few records among thousands.
SAME_ADDRESS_WORDS = 3
SAME_ADDRESS_BITS = 8.0
# Two addresses of three words or more sharing at most one ("street"): another address.
# People move, so by default this costs little; ``calibration`` measures it.
DIFFERENT_ADDRESS_BITS = -2.0
# Words of a's places with the same or a near spelling (a typo) among b's.
NEAR_PLACE_WORDS = """len(list_filter(a.places, lambda x: list_max(list_transform(b.places,
    lambda y: jaro_winkler_similarity(x, y))) >= 0.9))"""


@dataclass(frozen=True)
class Feature:
    name: str
    help: str
    sql: str  # over the pair's rows a and b; NULL counts as 0 bits
    needs_name: bool = False  # counts only where the names agree at all (name > 0)


# Name agreement is computed in steps: the agreement matrix m, the bits each side's
# tokens find in the other's (ca, cb; weights wa, wb), then the feature from those.
NAME_HELPERS = {
    "m": AGREEMENT_MATRIX, "a_tok": "a.tok", "b_tok": "b.tok", "wa": "a.wsum", "wb": "b.wsum",
}  # fmt: skip
NAME = Feature(
    "name",
    "agreement of name tokens (rare tokens weigh more; typos, phonetic and "
    "transliteration variants, initials count in part); tokens of the shorter name "
    "left unmatched count against",
    # matched bits of the name with fewer tokens, minus three quarters of the weight of
    # the tokens either name leaves unmatched (ua, ub; na, nb tokens, nua, nub of them
    # unmatched); but as many unmatched tokens of the longer name as it has tokens more
    # (a middle name, a second surname) cost only a sixth. "Marta Lucia Betancur" and
    # "Jesus Maria Betancur" share a surname and differ in as much: siblings.
    """CASE WHEN wa = 0 OR wb = 0 THEN 0.0
            WHEN na < nb OR (na = nb AND wa <= wb) THEN ca - 0.75 * ua
                 - ub * (0.75 * (1 - least(1.0, (nb - na) / greatest(nub, 1)))
                         + least(1.0, (nb - na) / greatest(nub, 1)) / 6)
            ELSE cb - 0.75 * ub
                 - ua * (0.75 * (1 - least(1.0, (na - nb) / greatest(nua, 1)))
                         + least(1.0, (na - nb) / greatest(nua, 1)) / 6)
       END""",
)
OTHER_FEATURES: tuple[Feature, ...] = (
    Feature(
        "date",
        "birth or incorporation dates: exact, same month, same year, day and month "
        "swapped, one digit off; conflicting dates count against",
        f"""list_max(list_transform(a.dates, lambda x: list_max(list_transform(b.dates,
                lambda y: {DATE_AGREEMENT.strip()}))))""",
    ),
    Feature(
        "identifier",
        "a shared identifier (passport, national id, tax number, IBAN, IMO, e-mail, phone, "
        "wallet; validated where a library knows the format, so a bad checksum is no "
        "evidence); one character off in a number no checksum guards (a typo) counts in "
        "part; different identifiers of the same kind count against",
        f"""CASE WHEN len(list_intersect(a.ids, b.ids)) > 0 THEN {SHARED_ID_BITS}
                WHEN len(list_intersect(a.strong_kinds, b.strong_kinds)) > 0 THEN
                    CASE WHEN list_max(list_transform(a.ids, lambda x: list_max(
                            list_transform(b.ids, lambda y: CASE
                                WHEN split_part(x, ':', 1) = split_part(y, ':', 1)
                                     AND NOT list_contains({CHECKED_KINDS}, split_part(x, ':', 1))
                                     AND len(x) = len(y)
                                     AND len(split_part(x, ':', 2)) >= 7
                                     AND damerau_levenshtein(x, y) = 1
                                     AND x[1:len(x) - 1] != y[1:len(y) - 1]
                                THEN 1 ELSE 0 END
                            )))) = 1 THEN {TYPO_ID_BITS}
                         ELSE {DIFFERENT_ID_BITS} END
                ELSE 0.0 END""",
    ),
    Feature(
        "country",
        "a shared country (nationality, residence, jurisdiction); none shared counts against",
        """CASE WHEN len(a.countries) = 0 OR len(b.countries) = 0 THEN 0.0
                WHEN len(list_intersect(a.countries, b.countries)) > 0 THEN 1.5
                ELSE -2.0 END""",
    ),
    Feature(
        "place",
        "the same address (at least three words, all but one of the shorter address, "
        "typos allowed), a shared place word (birth place, address, city, postcode), or a "
        "near spelling; two addresses of three words or more that share at most one "
        'word ("street") are different addresses and count against, as does no word '
        "shared at all",
        f"""CASE WHEN len(a.places) = 0 OR len(b.places) = 0 THEN 0.0
                WHEN {NEAR_PLACE_WORDS} >= {SAME_ADDRESS_WORDS}
                     AND {NEAR_PLACE_WORDS} >= least(len(a.places), len(b.places)) - 1
                     THEN {SAME_ADDRESS_BITS}
                WHEN least(len(a.places), len(b.places)) >= {SAME_ADDRESS_WORDS}
                     AND {NEAR_PLACE_WORDS} <= 1 THEN {DIFFERENT_ADDRESS_BITS}
                WHEN len(list_intersect(a.places, b.places)) > 0 THEN 3.0
                WHEN {NEAR_PLACE_WORDS} > 0 THEN 2.0
                ELSE -1.0 END""",
    ),
    Feature(
        "gender",
        "gender, where both records give one",
        """CASE WHEN a.gender IS NULL OR b.gender IS NULL THEN 0.0
                WHEN a.gender = b.gender THEN 0.5 ELSE -4.0 END""",
    ),
    Feature(
        "neighbours",
        "the names of entities both are tied to in the graph (co-inventors, contacts, "
        "owners): 2 bits each, at most 6; only where the names agree at all",
        "least(2.0 * len(list_intersect(a.nb, b.nb)), 6.0)",
        needs_name=True,
    ),
)
# Aliases and false identities: the names of two records that share an identifier and
# the birth date or address may differ because one is an alias, so a name that differs
# then counts nothing against. A phone or e-mail address is shared in a household, so
# for them only the birth date corroborates. ``id_shared``: 2 an identifier other than
# phone or e-mail, 1 only those, 0 none (computed beside the other features).
ID_SHARED = """CASE WHEN len(list_filter(list_intersect(a.ids, b.ids), lambda i:
                    NOT (starts_with(i, 'phone:') OR starts_with(i, 'email:')))) > 0 THEN 2
                 WHEN len(list_intersect(a.ids, b.ids)) > 0 THEN 1 ELSE 0 END"""
CORROBORATING_DATE = 4.0  # bits of date agreement that corroborate (exact, month, near)
ALIAS = Feature(
    "alias",
    "names that differ count nothing against where an identifier is shared and the "
    "birth date (or, but for a phone or e-mail, the address) agrees: one name is an alias",
    f"""CASE WHEN f_name < 0 AND ((id_shared = 2 AND (f_date >= {CORROBORATING_DATE}
                                                   OR f_place > 0))
                               OR (id_shared = 1 AND f_date >= {CORROBORATING_DATE}))
             THEN -f_name ELSE 0.0 END""",
)
# A nickname or a one-word name ("El Señor", "Gordo") is shared by many people whatever
# its frequency in the data says, so where other evidence conflicts (birth dates,
# identifiers of one kind, countries, places, gender) its agreement counts at most as
# much as the conflicts together: a nickname alone never outweighs a conflicting date
# or passport. ``core``: the tokens of the shorter name form that are not fillers
# ("el", "don").
CONFLICTS = " + ".join(
    f"least(f_{name}, 0.0)" for name in ("date", "identifier", "country", "place", "gender")
)
NICKNAME_CAP = f"""CASE WHEN core <= 1 AND ({CONFLICTS}) < 0
                       THEN least(f_name, -({CONFLICTS})) ELSE f_name END"""
FILLERS = _sql_list(FILLER)
CORE_TOKENS = (
    f"least(len(list_filter(a_tok, lambda x: NOT list_contains({FILLERS}, x.t))), "
    f"len(list_filter(b_tok, lambda x: NOT list_contains({FILLERS}, x.t))))"
)
FEATURES: tuple[Feature, ...] = (NAME, *OTHER_FEATURES, ALIAS)

# Families that may be the same entity (see records.FAMILIES).
COMPATIBLE = """(a.family = b.family
    OR (a.family = 'party' AND b.family IN ('person', 'organisation'))
    OR (b.family = 'party' AND a.family IN ('person', 'organisation')))"""


def prior_bits(n_records: int) -> float:
    """A default prior log-odds that two records match: each record is expected to
    have about one other record of the same entity among ``n_records``."""
    return -math.log2(max(n_records, 2))


def estimate_prior(
    evidence: npt.NDArray[np.float64],
    total_pairs: int,
    start: float,
    iterations: int = 30,
    weights: npt.NDArray[np.float64] | None = None,
) -> float:
    """The prior (bits) by expectation-maximisation with the feature weights fixed:
    the share of all pairs that match is the mean posterior over them (pairs never
    scored count as non-matches). Only the prior is fitted, as Splink's
    ``estimate_probability_two_random_records_match`` fits its lambda."""
    if total_pairs <= 0 or evidence.size == 0:
        return start
    floor = -math.log2(total_pairs)
    prior = start
    for _ in range(iterations):
        posterior = 1.0 / (1.0 + np.exp2(-(prior + evidence)))
        if weights is not None:  # a scored pair may stand for several record pairs
            posterior = posterior * weights
        share = float(posterior.sum()) / total_pairs
        share = min(max(share, 2.0**floor), 0.5)
        updated = math.log2(share / (1.0 - share))
        if abs(updated - prior) < 0.01:
            return updated
        prior = updated
    return prior


def probability(bits: float) -> float:
    return float(1.0 / (1.0 + 2.0 ** (-bits)))


def bits_for(p: float) -> float:
    return math.log2(p / (1.0 - p))


@dataclass(frozen=True)
class Calibration:
    """Weights estimated from the data (``calibration.estimate``): the bits of each
    conflict level of a feature (fixed bits -> estimated), and the most an unmatched
    name token's weight counts (None: its whole weight)."""

    levels: dict[str, dict[float, float]] = field(default_factory=dict)
    token_cap: float | None = None
    name_cap: float | None = None  # the most a name's agreement counts (bits)

    def to_json(self) -> dict[str, object]:
        return {
            "levels": {n: [[lv, w] for lv, w in ls.items()] for n, ls in self.levels.items()},
            "token_cap": self.token_cap,
            "name_cap": self.name_cap,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Calibration:
        """As ``to_json`` wrote it; None (a model stored before calibration): fixed
        weights."""
        if not data:
            return cls()
        levels = {n: {float(lv): float(w) for lv, w in ls} for n, ls in data["levels"].items()}
        return cls(levels, data.get("token_cap"), data.get("name_cap"))

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {
            name: {f"{level:g}": bits for level, bits in levels.items()}
            for name, levels in self.levels.items()
        }
        if self.token_cap is not None:
            out["name_token_cap"] = self.token_cap
        if self.name_cap is not None:
            out["name_cap"] = self.name_cap
        return out


def level_sql(column: str, weights: Mapping[float, float]) -> str:
    """``column`` with each level's estimated bits (see ``calibration``) in place of the
    fixed ones."""
    if not weights:
        return column
    cases = " ".join(f"WHEN {column} = {lv!r} THEN {w!r}" for lv, w in sorted(weights.items()))
    return f"(CASE {cases} ELSE {column} END)"


def score_sql(
    pairs: str,
    min_evidence: float | None = None,
    calibration: Calibration | None = None,
    *,
    with_levels: bool = False,
) -> str:
    """A query giving, for each row (l, r) of ``pairs``, one column per feature and
    ``evidence``, their sum (bits, before the prior); only pairs at or above
    ``min_evidence``. ``calibration`` replaces the fixed bits of feature levels (see
    ``calibration.estimate``) before the nickname cap and the alias read them.
    ``with_levels`` adds ``short_unmatched``, how many tokens of the name with fewer
    tokens found no counterpart (what ``calibration`` counts)."""
    calibration = calibration or Calibration()
    calibrated = ", ".join(
        f"{level_sql(f'f_{f.name}', calibration.levels.get(f.name, {}))} AS f_{f.name}"
        for f in OTHER_FEATURES
    )
    cap = NO_CAP if calibration.token_cap is None else float(calibration.token_cap)
    name_cap = NO_CAP if calibration.name_cap is None else float(calibration.name_cap)
    short = (
        ", CASE WHEN na < nb OR (na = nb AND wa <= wb) THEN nua ELSE nub END AS short_unmatched"
        if with_levels
        else ""
    )
    carry = ", short_unmatched" if with_levels else ""
    helpers = ",\n".join(f"{sql} AS {name}" for name, sql in NAME_HELPERS.items())
    others = ",\n".join(
        f"CAST(coalesce(({f.sql}), 0.0) AS DOUBLE) AS f_{f.name}" for f in OTHER_FEATURES
    )
    other_names = ", ".join(f"f_{f.name}" for f in OTHER_FEATURES)
    carried = f"{other_names}, id_shared, core"
    gated = ", ".join(
        f"CASE WHEN f_{NAME.name} > 0 THEN f_{f.name} ELSE 0.0 END AS f_{f.name}"
        if f.needs_name
        else f"f_{f.name}"
        for f in OTHER_FEATURES
    )
    total = " + ".join(f"f_{f.name}" for f in FEATURES)
    where = "" if min_evidence is None else f"WHERE evidence >= {float(min_evidence)}"
    return f"""
    SELECT * FROM (
      SELECT l, r, {total} AS evidence, f_{NAME.name}, {other_names}, f_{ALIAS.name}{carry}
      FROM (
        SELECT *, CAST(({ALIAS.sql}) AS DOUBLE) AS f_{ALIAS.name} FROM (
          SELECT l, r, {NICKNAME_CAP} AS f_{NAME.name}, {gated}, id_shared{carry} FROM (
            SELECT l, r, least(CAST(coalesce(({NAME.sql}), 0.0) AS DOUBLE), {name_cap})
                         AS f_{NAME.name},
                   {carried}{short} FROM (
              SELECT l, r, wa, wb, list_sum(ra) AS ca, list_sum(rb) AS cb,
                     {UNMATCHED.format(best="ra", tok="a_tok", cap=cap)} AS ua,
                     {UNMATCHED.format(best="rb", tok="b_tok", cap=cap)} AS ub,
                     len(ra) AS na, len(rb) AS nb,
                     len(list_filter(ra, lambda v: v <= 0)) AS nua,
                     len(list_filter(rb, lambda v: v <= 0)) AS nub, {carried} FROM (
               SELECT l, r, wa, wb, a_tok, b_tok, {ROW_BEST} AS ra, {COLUMN_BEST} AS rb,
                      {CORE_TOKENS} AS core, {calibrated}, id_shared FROM (
                SELECT p.l, p.r, {helpers}, {others}, {ID_SHARED} AS id_shared
                FROM {pairs} p JOIN rec a ON a.rid = p.l JOIN rec b ON b.rid = p.r
                WHERE {COMPATIBLE}
               )
              )
            )
          )
        )
      )
    ) {where}
    """


def reasons(a: Record, b: Record, features: dict[str, float]) -> list[str]:
    """A pair's score in words, naming the evidence each feature rests on (the shared
    identifiers by kind and value, the shared place words), strongest first; ``features`` as
    ``Resolution.features`` gives them (bits per feature)."""
    shared = sorted(set(a.identifiers) & set(b.identifiers))
    places = sorted(set(a.places) & set(b.places))
    notes: list[tuple[float, str]] = []
    for feature in FEATURES:
        bits = features.get(feature.name, 0.0)
        if not bits:
            continue
        if feature.name == "identifier" and shared:
            said = "same " + ", ".join(i.replace(":", " ", 1) for i in shared)
        elif feature.name == "alias":
            kinds = ", ".join(sorted({i.split(":", 1)[0] for i in shared})) or "identifier"
            said = (
                f"names differ, but the shared {kinds} with the same birth date or "
                "address makes one an alias"
            )
        elif feature.name == "place" and places:
            # which words: "the same address" needs three (see the place feature)
            kind = "same address" if len(places) >= SAME_ADDRESS_WORDS else "place"
            said = f"{kind} ({', '.join(places[:5])})"
        else:
            said = feature.name
        notes.append((bits, f"{said}: {bits:+.1f} bits"))
    return [text for _bits, text in sorted(notes, key=lambda n: -abs(n[0]))]
