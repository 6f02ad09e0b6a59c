"""Interface text in English and Spanish; the language comes from ``?lang=``, then the
``cupula_lang`` cookie, then the browser's Accept-Language.

English is the source: the interface's words (``ENGLISH``, by key, for the templates'
``t.key``), the labels of schemata, properties and values, and the messages are
msgids; the Spanish is a gettext catalog, ``locale/es/LC_MESSAGES/cupula.po``, read
with Babel when first needed (no compiled .mo to keep in step). Counted phrases go
through ``ngettext`` with the catalog's plural rule, which Babel writes from CLDR
(Spanish: one, many for millions, other), so "1 empresa" and "2 empresas" both read right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from fastapi import Request

LANGUAGES = ("en", "es")
LANG_COOKIE = "cupula_lang"
DOMAIN = "cupula"
LOCALE_DIR = Path(__file__).parent / "locale"

# The interface's words by key, in English: the msgids of the Spanish catalog
# (locale/es/LC_MESSAGES/cupula.po), so that a template writes ``t.login``.
ENGLISH: dict[str, str] = {
    "login": "Log in", "user": "User", "password": "Password", "logout": "Log out",
    "search": "Search", "search_hint": "A name, in any script", "no_hits": "Nothing found.",
    "probability": "match", "property": "Property", "value": "Value",
    "dataset": "Dataset", "marking": "Marking", "grading": "Grading", "source": "Source",
    "seen": "First seen", "not_found": "Nothing to show.", "purpose": "Purpose",
    "purpose_hint": "Case or reason (needed for confidential reads)",
    "wrong_login": "Wrong user name or password.", "language": "Español",
    "leaders": "Who leads", "show": "Show", "people": "people", "ties": "ties",
    "name": "Name", "score": "Score", "why": "Why",
    "network": "Network", "money": "Money trail", "cooperation": "Cooperation",
    "audit": "Audit", "load": "Load data", "relationships": "Relationships",
    "timeline": "Timeline", "kind": "Kind", "ties_count": "Ties", "first": "First",
    "last": "Last", "date": "Date", "what": "What", "hops": "Hops",
    "tie_kinds": "Tie kinds", "node_types": "Entity types", "since": "From",
    "until": "Until", "datasets": "Datasets", "apply": "Apply", "expand": "Expand",
    "open_entity": "Open the entity page", "key_player": "key player",
    "legend": "Size: leader score · red ring: key player (removing them splits the "
              "network most) · double-click a node to expand it",
    "nodes_shown": "nodes shown", "left_out": "more left out (raise the limit or filter)",
    "no_script": "The network explorer needs JavaScript.",
    "no_vendor": "The drawing libraries are not installed: run bash scripts/setup.sh.",
    "backward": "Where it came from", "forward": "Where it went",
    "holder": "Holder", "amount": "Amount", "share": "Share", "country": "Country",
    "secrecy": "Secrecy jurisdiction", "paths": "Transfers behind the largest amounts",
    "total": "Total traced", "by_jurisdiction": "By jurisdiction",
    "seizures": "Seizures", "extraditions": "Extraditions",
    "requests": "Requests for information", "count": "Count", "drug": "Drug",
    "kg": "kg", "estimated_value": "Estimated value", "status": "Status",
    "route": "Route", "people_involved": "People involved",
    "median_days_decision": "Median days to decision",
    "median_days_answer": "Median days to answer", "on_time": "Answered on time",
    "late": "Answered late", "overdue": "Overdue", "by_year": "By year",
    "by_agency": "By seizing agency",
    "when": "When", "who": "Who", "agency": "Agency", "action": "Action",
    "statements": "Statements", "from": "From agencies", "originator": "Originator",
    "audit_hint": (
        "Supervisors see their agency's users' entries whole; "
        "others the reads of their agency's data."
    ),
    "file": "File", "mapping": "Mapping (YAML, for a table)", "format": "Format",
    "guess": "guess from the file", "phase": "Phase (networks)",
    "drop_invalid": "Leave out values the schema rejects",
    "marking_hint": "e.g. CONFIDENTIAL REL TO COL,USA H2 B2",
    "loaded": "Loaded", "load_failed": "Nothing was loaded", "entity": "Entity",
    "trace": "Trace", "phase_only": "Phase", "all_phases": "all",
    "purpose_needed": "This page may show CONFIDENTIAL or SECRET facts: say why you are "
                      "reading them (a case or a reason); it goes into the audit log.",
    "similar": "Similar names elsewhere",
    "similar_hint": "Other records whose names resemble this one's: candidates to compare, "
                    "not a decision that they are the same.",
    "start": "Start here", "you_see": "What you may see",
    "start_hint": "Type a name in any script, or begin from",
    "kind_communication": "communication", "kind_copresence": "met",
    "kind_money": "money", "kind_ownership": "ownership", "kind_family": "family",
    "kind_membership": "membership", "kind_associate": "associate",
    "schema_Person": "people", "schema_Company": "companies",
    "schema_Organization": "organisations", "schema_LegalEntity": "other parties",
    "schema_BankAccount": "bank accounts", "schema_Vessel": "vessels",
}  # fmt: skip


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of ``lang`` (English: the msgids themselves)."""
    if lang == "en":
        return NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, n: int, **fields: object) -> str:
    """The form of a counted phrase for ``n``, with ``{n}`` and ``fields`` filled in."""
    form = translations(lang).ngettext(singular, plural, n)
    return form.format(n=number(n, lang), **fields)


def pgettext(lang: str, context: str, message: str) -> str:
    return translations(lang).pgettext(context, message)


def number(value: float, lang: str) -> str:
    """A figure as the reader writes it: 1,234.5 in English, 1234,5 / 12.345 in Spanish."""
    return format_decimal(value, locale=lang, format="#,##0.###")


# The interface's words in each language, by key (``t.login`` in a template).
TEXT: dict[str, dict[str, str]] = {
    lang: {key: gettext(lang, english) for key, english in ENGLISH.items()} for lang in LANGUAGES
}


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "es" if accept.startswith("es") else "en"


def _counted(singular: str, plural: str, group: int = 1) -> Callable[[re.Match[str]], str]:
    """A replacement that puts the phrase for the count in ``group`` in Spanish."""

    def replace(match: re.Match[str]) -> str:
        return ngettext("es", singular, plural, int(match.group(group)))

    return replace


def _counted_text(singular: str, plural: str, figure: str) -> str:
    """A counted phrase for a figure as the English sentence printed it ("42", "2.5")."""
    value = float(figure)
    form = translations("es").ngettext(singular, plural, int(value))
    return form.format(n=number(value, "es"))


def _pairs(match: re.Match[str]) -> str:
    countries = ngettext("es", "brokers between {n} country", "brokers between {n} countries",
                         int(match.group(1)))  # fmt: skip
    pairs = ngettext(
        "es",
        "{n} pair of counterparts in different countries with no tie of their own",
        "{n} pairs of counterparts in different countries with no tie of their own",
        int(match.group(4)),
    )
    about = "unos " if match.group(3) else ""
    return f"{countries} ({match.group(2)}): {about}{pairs}"


def _seizures(match: re.Match[str]) -> str:
    none = ngettext("es", "in none of the {n} seizure", "in none of the {n} seizures",
                    int(match.group(1)))  # fmt: skip
    steps = match.group(2)
    walk = "paso" if steps == "1" else "pasos"
    return (f"{none}, pero a {steps} {walk} de las personas de {match.group(3)} de ellas: "
            f"cerca de las operaciones, sin tocar la mercancía")  # fmt: skip


def _directed(match: re.Match[str]) -> str:
    made = _counted_text("{n} made", "{n} made", match.group(2))
    received = _counted_text("{n} received", "{n} received", match.group(3))
    return (f"inició el {match.group(1)} de las llamadas ({made}, {received}{match.group(4)}): "
            f"da las órdenes")  # fmt: skip


def _phases(match: re.Match[str]) -> str:
    phases = ngettext("es", "in {n} phase", "in {n} phases", int(match.group(2)))
    return (f"entre el 20 % con más contrapartes en {match.group(1)} de "
            f"{phases.removeprefix('en ')} (presente en {match.group(3)})")  # fmt: skip


def _tied(match: re.Match[str]) -> str:
    tied = ngettext("es", "tied to {n} other", "tied to {n} others", int(match.group(1)))
    some = match.group(3)
    by_calls = (
        "ninguna de ellas"
        if some == "none"
        else ngettext("es", "{n} of them", "{n} of them", int(some))
    )
    return f"{tied} ({match.group(2)}), {by_calls} por llamadas o reuniones"


def _attended(match: re.Match[str]) -> str:
    of_the = ngettext("es", "of the {n} meeting", "of the {n} meetings", int(match.group(2)))
    mean = number(float(match.group(4)), "es")
    return f"asistió a {match.group(1)} {of_the} ({match.group(3)}), de {mean} personas de media"


def _attended_small(match: re.Match[str]) -> str:
    of_the = ngettext("es", "of the {n} meeting", "of the {n} meetings", int(match.group(2)))
    return (f"asistió a {match.group(1)} {of_the} de {match.group(3)} personas o menos "
            f"({match.group(4)}): donde están pocos")  # fmt: skip


# A leader's reasons are sentences written by ``graph.reasons`` in English (the command
# line and the reports use them as they are); the Spanish interface rewrites each known
# sentence form, counted phrases through the catalog's plural rule. tests/web/test_i18n.py
# checks that every sentence the ranking writes on CAVIAR and on the demo case comes out
# with no English left, and that a count of one reads as one.
Replacement = str | Callable[[re.Match[str]], str]
_REASON_FORMS: list[tuple[str, Replacement]] = [
    (r"^in contact with (\d+) others?",
     _counted("in contact with {n} other", "in contact with {n} others")),
    (r"^tied to (\d+) others? \((.+?)\), (\d+|none) of them by calls or meetings", _tied),
    (r"(?<=; )(\d+) of them within the period analysed",
     _counted("{n} of them within the period analysed",
              "{n} of them within the period analysed")),
    (r"^lies on (.+?) of the shortest paths between the (\d+) others \((.+)\): a broker "
     r"between parts of the network",
     r"está en el \1 de los caminos más cortos entre los otros \2 (\3): intermediario "
     r"entre partes de la red"),
    (r"^tied to the best-connected people \((\w+): (.+)\)",
     r"vinculado a las personas mejor conectadas (\1: \2)"),
    (r"^in the innermost core of the network \(k-core (\d+)\)",
     r"en el núcleo más interno de la red (k-núcleo \1)"),
    (r"^many counterparts with no tie to each other \(Burt's constraint (\S+)\): controls "
     r"what passes between them",
     r"muchas contrapartes sin vínculo entre sí (restricción de Burt \1): controla lo que "
     r"pasa entre ellas"),
    (r"^brokers between (\d+) countr(?:y|ies) \((.+)\): (about )?(\d+) pairs? of "
     r"counterparts in different countries with no tie of their own", _pairs),
    (r"^initiated (\S+) of the calls \((\S+) made, (\S+) received((?:; [^)]*)?)\): gives "
     r"the orders", _directed),
    (r"^in none of the (\d+) seizures?, but (.+) steps? from the people in (\d+) of them: "
     r"close to the operations, hands off the goods", _seizures),
    (r"receives money from (\d+) (?:different payers|payer)",
     _counted("receives money from {n} different payer",
              "receives money from {n} different payers")),
    (r"owns or controls (\d+) (?:companies or assets|company or asset)",
     _counted("owns or controls {n} company or asset",
              "owns or controls {n} companies or assets")),
    (r": where the money converges$", r": donde converge el dinero"),
    (r"^among the top 20% by counterparts in (\d+) of (\d+) phases? \(present in (\d+)\)",
     _phases),
    (r"^attended (\d+) of the (\d+) meetings? of at most (\d+) people \((.+?)\): where few "
     r"are present", _attended_small),
    (r"^attended (\d+) of the (\d+) meetings? \((.+?)\), of (\S+) people on average",
     _attended),
    (r"^lies on (\S+) of the shortest paths between the other (\d+) attendees? through the "
     r"meetings \((.+?)\): links those who never meet",
     r"está en el \1 de los caminos más cortos entre los otros \2 asistentes a través de "
     r"las reuniones (\3): une a quienes nunca se reúnen"),
    (r"^no single signal stands out; ranked on the combined score$",
     r"ninguna señal destaca sola; ordenado por la puntuación combinada"),
    # whose records a count is in (graph.provenance): "9 in DIJIN's wiretaps"
    (r"(\d+(?:\.\d+)?) in ([^\s,;()']+)'s ([^\s,;()]+)", r"\1 en \3 de \2"),
    # the standings quoted inside the sentences above
    (r"tied highest of (\d+)", r"empatado en el mayor de \1"),
    (r"the highest of (\d+)", r"el mayor de \1"),
    (r"#(\d+) of (\d+)", r"n.º \1 de \2"),
    (r"(\d) or (\d)", r"\1 o \2"),
    (r"(\w) and (\w)", r"\1 y \2"),  # lists: "CO and ES", "2 and 3"
    (r"\) and (\w)", r") y \1"),
]  # fmt: skip
REASONS_ES = [(re.compile(p), r) for p, r in _REASON_FORMS]


def reason(text: str, lang: str) -> str:
    """A leader's reason in the interface's language."""
    if lang != "es":
        return text
    for pattern, replacement in REASONS_ES:
        text = pattern.sub(replacement, text)
    return text
