"""Markings: who owns a fact, how secret it is, who may receive it, how it may be used.

A marking reads and prints as one line, for example::

    CONFIDENTIAL REL TO COL,USA H2 B2 ORIG CO-DIJIN

- the classification comes first (UNCLASSIFIED < RESTRICTED < CONFIDENTIAL < SECRET);
- ``REL TO`` lists ISO 3166 alpha-3 countries and/or agency ids that may receive it;
- a handling code H0-H3 (Europol SIENA); H3 carries its restriction as quoted text,
  ``H3 "not before the trial"``;
- a grading: source reliability A-E or X, then information credibility 1-4 (``B2``);
- ``CASE`` lists need-to-know compartments (case ids);
- ``ORIG`` names the originating agency, which owns the data.

Clauses after the classification may come in any order; ``str(marking)`` prints them in
the canonical order above, so a marking has exactly one printed form (and one id).
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import cache

from rigour.territories import get_territories

from cupula.errors import InvalidInput


class MarkingError(InvalidInput):
    """A marking string that cannot be read; the message says what is wrong and where."""


class Classification(enum.IntEnum):
    UNCLASSIFIED = 0
    RESTRICTED = 1
    CONFIDENTIAL = 2
    SECRET = 3


class Handling(enum.IntEnum):
    H0 = 0  # use for law-enforcement purposes
    H1 = 1  # not in judicial proceedings without the originator's consent
    H2 = 2  # no onward dissemination
    H3 = 3  # other restrictions, stated in text


HANDLING_MEANING = {
    Handling.H0: "may be used for law-enforcement purposes",
    Handling.H1: "not to be used in judicial proceedings without the originator's consent",
    Handling.H2: "no onward dissemination without the originator's permission",
    Handling.H3: "other restrictions apply",
}

RELIABILITY = "ABCDEX"
CREDIBILITY = "1234"

AGENCY_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9][A-Z0-9_-]*$")
CASE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
GRADE_RE = re.compile(r"^([A-Z])([0-9])$")
TOKEN_RE = re.compile(r'"[^"]*"?|,|[^\s,"]+')


@cache
def country_codes() -> dict[str, str]:
    """ISO 3166 alpha-3 code -> FtM (alpha-2, lower case) country code."""
    codes: dict[str, str] = {}
    for territory in get_territories():
        if territory.alpha3 and territory.is_country:
            codes[territory.alpha3.upper()] = territory.code
    return codes


def agency_country(agency: str) -> str | None:
    """The alpha-3 country of an agency id such as ``CO-DIJIN`` (from its prefix)."""
    prefix = agency.split("-", 1)[0].lower()
    for alpha3, code in country_codes().items():
        if code == prefix:
            return alpha3
    return None


def is_agency(token: str) -> bool:
    return AGENCY_RE.match(token) is not None


@dataclass(frozen=True, slots=True)
class Marking:
    """The marking carried by a statement. Immutable; use ``replace`` to derive one."""

    classification: Classification
    originator: str
    releasable_to: frozenset[str] = field(default_factory=frozenset)
    handling: Handling = Handling.H0
    handling_text: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    compartments: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not is_agency(self.originator):
            raise MarkingError(
                f"originator {self.originator!r} is not an agency id (two-letter country "
                "code, a dash, then a name, e.g. CO-DIJIN)"
            )
        for item in self.releasable_to:
            if item not in country_codes() and not is_agency(item):
                raise MarkingError(
                    f"REL TO entry {item!r} is neither an ISO 3166 alpha-3 country code "
                    "(e.g. COL, USA, ESP) nor an agency id (e.g. ES-SEPBLAC)"
                )
        if self.handling == Handling.H3 and not self.handling_text:
            raise MarkingError('handling code H3 needs its restriction as text: H3 "..."')
        if self.handling != Handling.H3 and self.handling_text:
            raise MarkingError("only handling code H3 carries a text")
        if (self.reliability is None) != (self.credibility is None):
            raise MarkingError("a grading needs both reliability and credibility, e.g. B2")
        if self.reliability is not None and self.reliability not in RELIABILITY:
            raise MarkingError(f"source reliability {self.reliability!r} is not one of A-E, X")
        if self.credibility is not None and self.credibility not in CREDIBILITY:
            raise MarkingError(f"information credibility {self.credibility!r} is not one of 1-4")
        for case in self.compartments:
            if not CASE_RE.match(case):
                raise MarkingError(f"case id {case!r} may hold only letters, digits and _.:-")

    @classmethod
    def parse(cls, text: str, *, originator: str | None = None) -> Marking:
        """Read a marking string; ``originator`` fills in a missing ORIG clause.

        Raises MarkingError naming the offending word and what was expected.
        """
        return _parse(text, default_originator=originator)

    @property
    def id(self) -> str:
        """A short content hash of the canonical form: equal markings share it."""
        return marking_id(str(self))

    @property
    def grading(self) -> str | None:
        if self.reliability is None or self.credibility is None:
            return None
        return f"{self.reliability}{self.credibility}"

    @property
    def releasable_countries(self) -> frozenset[str]:
        return frozenset(x for x in self.releasable_to if not is_agency(x))

    @property
    def releasable_agencies(self) -> frozenset[str]:
        return frozenset(x for x in self.releasable_to if is_agency(x))

    def with_originator(self, originator: str) -> Marking:
        return replace(self, originator=originator)

    def __str__(self) -> str:
        parts = [self.classification.name]
        if self.releasable_to:
            parts.append("REL TO " + ",".join(sorted(self.releasable_to)))
        parts.append(self.handling.name)
        if self.handling_text:
            parts.append(f'"{self.handling_text}"')
        if self.grading:
            parts.append(self.grading)
        if self.compartments:
            parts.append("CASE " + ",".join(sorted(self.compartments)))
        parts.append(f"ORIG {self.originator}")
        return " ".join(parts)


def marking_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class _Tokens:
    """A cursor over the words of a marking string, for error messages with positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items = TOKEN_RE.findall(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> str:
        token: str = self.items[self.pos]
        self.pos += 1
        return token

    def fail(self, message: str) -> MarkingError:
        return MarkingError(f"marking {self.text!r}: {message}")

    def take_list(self, what: str, *, upper: bool = True) -> list[str]:
        """Read a comma-separated list ``A,B, C``."""
        items: list[str] = []
        while True:
            token = self.peek()
            if token is None or token == "," or token.upper() in KEYWORDS:
                after = "a comma" if items else "it"
                raise self.fail(f"expected {what} after {after}, found {token or 'the end'!r}")
            token = self.take()
            items.append(token.upper() if upper else token)
            if self.peek() != ",":
                return items
            self.take()


KEYWORDS = frozenset({"REL", "ORIG", "CASE", *Handling.__members__, *Classification.__members__})
CLAUSES = "REL TO, H0-H3, a grading such as B2, CASE or ORIG"


def _parse(text: str, *, default_originator: str | None) -> Marking:
    if not isinstance(text, str) or not text.strip():
        raise MarkingError("marking is empty: it must start with a classification, e.g. RESTRICTED")
    tokens = _Tokens(text.strip())
    first = tokens.take().upper()
    try:
        classification = Classification[first]
    except KeyError:
        names = ", ".join(c.name for c in Classification)
        raise tokens.fail(f"starts with {first!r}; it must start with one of {names}") from None
    releasable: list[str] = []
    handling: Handling | None = None
    handling_text: str | None = None
    reliability = credibility = None
    compartments: list[str] = []
    originator: str | None = None
    seen: set[str] = set()

    def once(clause: str) -> None:
        if clause in seen:
            raise tokens.fail(f"{clause} is given twice")
        seen.add(clause)

    while tokens.peek() is not None:
        word = tokens.take()
        upper = word.upper()
        if upper == "REL":
            once("REL TO")
            if (tokens.peek() or "").upper() != "TO":
                raise tokens.fail("REL must be followed by TO, e.g. REL TO COL,USA")
            tokens.take()
            releasable = tokens.take_list("a country code or agency id")
        elif upper in Handling.__members__:
            once("the handling code")
            handling = Handling[upper]
            if handling == Handling.H3:
                nxt = tokens.peek()
                if nxt is None or not nxt.startswith('"'):
                    raise tokens.fail('H3 must be followed by its restriction in quotes: H3 "..."')
                quoted = tokens.take()
                if len(quoted) < 2 or not quoted.endswith('"'):
                    raise tokens.fail("the H3 text has no closing quote")
                handling_text = quoted[1:-1].strip()
        elif upper == "CASE":
            once("CASE")
            compartments = tokens.take_list("a case id", upper=False)
        elif upper == "ORIG":
            once("ORIG")
            if tokens.peek() is None:
                raise tokens.fail("ORIG must be followed by the originating agency id")
            originator = tokens.take().upper()
        elif (match := GRADE_RE.match(upper)) is not None:
            once("the grading")
            reliability, credibility = match.group(1), match.group(2)
            if reliability not in RELIABILITY:
                raise tokens.fail(f"grading {word!r}: source reliability must be A-E or X")
            if credibility not in CREDIBILITY:
                raise tokens.fail(f"grading {word!r}: information credibility must be 1-4")
        elif upper in Classification.__members__:
            raise tokens.fail(f"a second classification {word!r}; give only one")
        else:
            raise tokens.fail(f"unexpected {word!r}; expected {CLAUSES}")
    if default_originator is not None:
        default_originator = default_originator.upper()
        if originator is not None and originator != default_originator:
            raise MarkingError(
                f"marking {text!r}: ORIG {originator} disagrees with the loading agency "
                f"{default_originator}"
            )
        originator = originator or default_originator
    if originator is None:
        raise tokens.fail("no originator: add ORIG AGENCY-ID (or give --agency)")
    try:
        return Marking(
            classification=classification,
            originator=originator,
            releasable_to=frozenset(releasable),
            handling=handling if handling is not None else Handling.H0,
            handling_text=handling_text,
            reliability=reliability,
            credibility=credibility,
            compartments=frozenset(compartments),
        )
    except MarkingError as exc:
        raise tokens.fail(str(exc)) from None
