from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupula.model.marking import (
    Classification,
    Handling,
    Marking,
    MarkingError,
    agency_country,
    country_codes,
)


def test_parse_the_readable_form() -> None:
    m = Marking.parse("CONFIDENTIAL REL TO COL,USA H2 B2 ORIG CO-DIJIN")
    assert m.classification == Classification.CONFIDENTIAL
    assert m.releasable_to == {"COL", "USA"}
    assert m.handling == Handling.H2
    assert (m.reliability, m.credibility) == ("B", "2")
    assert m.originator == "CO-DIJIN"
    assert str(m) == "CONFIDENTIAL REL TO COL,USA H2 B2 ORIG CO-DIJIN"


def test_clauses_in_any_order_print_canonically() -> None:
    a = Marking.parse('secret ORIG us-dea CASE op-7,op-2 B2 h3 "not before trial" REL TO ESP, col')
    assert str(a) == 'SECRET REL TO COL,ESP H3 "not before trial" B2 CASE op-2,op-7 ORIG US-DEA'
    assert Marking.parse(str(a)) == a
    assert a.id == Marking.parse(str(a)).id


def test_agencies_and_countries_in_rel_to() -> None:
    m = Marking.parse("RESTRICTED REL TO ESP,US-DEA ORIG ES-SEPBLAC")
    assert m.releasable_countries == {"ESP"}
    assert m.releasable_agencies == {"US-DEA"}


def test_loading_agency_fills_in_the_originator() -> None:
    assert Marking.parse("UNCLASSIFIED", originator="nl-politie").originator == "NL-POLITIE"


def test_defaults_are_h0_and_no_grading() -> None:
    m = Marking.parse("UNCLASSIFIED ORIG CO-DIJIN")
    assert m.handling == Handling.H0 and m.grading is None
    assert str(m) == "UNCLASSIFIED H0 ORIG CO-DIJIN"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("TOPSECRET ORIG CO-X", "must start with one of"),
        ("CONFIDENTIAL REL COL ORIG CO-X", "REL must be followed by TO"),
        ("CONFIDENTIAL REL TO ORIG CO-X", "expected a country code or agency id after it"),
        ("CONFIDENTIAL REL TO XYZ ORIG CO-X", "'XYZ' is neither"),
        ("CONFIDENTIAL REL TO COL, ORIG CO-X", "after a comma, found 'ORIG'"),
        ("SECRET H3 ORIG CO-X", "H3 must be followed"),
        ('SECRET H3 "unterminated ORIG CO-X', "no closing quote"),
        ("SECRET Z9 ORIG CO-X", "reliability must be A-E or X"),
        ("SECRET B7 ORIG CO-X", "credibility must be 1-4"),
        ("SECRET B2 C3 ORIG CO-X", "grading is given twice"),
        ("SECRET H1 H2 ORIG CO-X", "handling code is given twice"),
        ("SECRET RESTRICTED ORIG CO-X", "a second classification"),
        ("SECRET ORIG", "ORIG must be followed"),
        ("SECRET ORIG DIJIN", "not an agency id"),
        ("SECRET", "no originator"),
        ("SECRET ORIG CO-X FOO", "unexpected 'FOO'"),
    ],
)
def test_bad_markings_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(MarkingError) as info:
        Marking.parse(text)
    assert says in str(info.value)


def test_originator_must_agree_with_loading_agency() -> None:
    with pytest.raises(MarkingError, match="disagrees with the loading agency"):
        Marking.parse("SECRET ORIG US-DEA", originator="CO-DIJIN")


def test_agency_country_from_prefix() -> None:
    assert agency_country("CO-DIJIN") == "COL"
    assert agency_country("ES-SEPBLAC") == "ESP"
    assert agency_country("AE-FIU") == "ARE"


COUNTRIES = sorted(country_codes())
agencies = st.from_regex(r"[A-Z]{2}-[A-Z0-9]{1,8}", fullmatch=True)


@st.composite
def markings(draw: st.DrawFn) -> Marking:
    handling = draw(st.sampled_from(list(Handling)))
    graded = draw(st.booleans())
    return Marking(
        classification=draw(st.sampled_from(list(Classification))),
        originator=draw(agencies),
        releasable_to=frozenset(draw(st.lists(st.sampled_from(COUNTRIES) | agencies, max_size=4))),
        handling=handling,
        handling_text=draw(st.from_regex(r"[a-z][a-z ]{0,20}[a-z]", fullmatch=True))
        if handling == Handling.H3
        else None,
        reliability=draw(st.sampled_from("ABCDEX")) if graded else None,
        credibility=draw(st.sampled_from("1234")) if graded else None,
        compartments=frozenset(
            draw(st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), max_size=3))
        ),
    )


@given(markings())
def test_every_marking_survives_printing_and_parsing(marking: Marking) -> None:
    assert Marking.parse(str(marking)) == marking
