"""The OFAC SDN list in its legacy CSV trio: sdn.csv, alt.csv, add.csv.

No header row; Windows-1252; empty fields are ``-0-``; the last line may be a lone
``\\x1a`` byte. ``sdn`` holds one entry per row (type individual / vessel / aircraft /
blank = entity), ``alt`` its aliases, ``add`` its addresses. The ``Remarks`` column
packs birth dates, places, nationalities, identifiers, inline aliases and
``Linked To:`` relations into ``;``-separated clauses.

Each entry becomes one entity (aliases and addresses are properties of it, never
separate people); ``Linked To`` becomes an FtM ``UnknownLink``. The whole remarks
text is kept in ``notes``, so nothing the parser does not understand is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.ingest.errors import IngestError
from cupula.ingest.fragment import Fragment, node_id
from cupula.ingest.limits import EntityTally, check_entity
from cupula.ingest.text import CsvRows, Progress, no_progress
from cupula.model.schemata import get_model

EMPTY = "-0-"
SDN_COLUMNS = (
    "ent_num",
    "name",
    "type",
    "program",
    "title",
    "call_sign",
    "vess_type",
    "tonnage",
    "grt",
    "vess_flag",
    "vess_owner",
    "remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city", "country", "add_remarks")
DRUG_PROGRAMS = {"SDNTK", "SDNT", "ILLICIT-DRUGS-EO14059", "TCO"}
# Legal-form words that make an OFAC "entity" a company rather than an organisation.
COMPANY_FORMS = re.compile(
    r"\b(S\.?A\.?(S\.?)?|LTDA?|LIMITED|LLC|L\.L\.C|INC|CORP(ORATION)?|CO|COMPANY|GMBH|"
    r"S\.?R\.?L|S\.?L|S\.? DE R\.?L|C\.?V|E\.?U|PLC|LLP|FZE|FZCO|FZ-LLC|SDN BHD|BV|NV|AG|"
    r"CIA|COMPANIA|EMPRESA|TRADING|HOLDINGS?|INVESTMENTS?|ENTERPRISES?)\b\.?",
    re.IGNORECASE,
)
ID_CLAUSES: dict[str, str] = {
    "passport": "passportNumber",
    "cedula no.": "idNumber",
    "national id no.": "idNumber",
    "identification number": "idNumber",
    "c.u.r.p. #": "idNumber",
    "d.n.i.": "idNumber",
    "nit #": "taxNumber",
    "r.f.c. #": "taxNumber",
    "tax id no.": "taxNumber",
    "ruc #": "taxNumber",
    "registration number": "registrationNumber",
    "company number": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "business registration number": "registrationNumber",
    "folio mercantil no.": "registrationNumber",
    "vessel registration identification imo": "imoNumber",
    "website": "website",
    "email address": "email",
}
DATE_FORMATS = ("%d %b %Y", "%b %Y", "%Y")


@dataclass(frozen=True)
class TrioPaths:
    sdn: Path
    alt: Path | None
    add: Path | None

    def all(self) -> list[Path]:
        return [p for p in (self.sdn, self.alt, self.add) if p is not None]


def find_trio(path: Path) -> TrioPaths:
    """The three files from a folder holding them, or from the sdn file itself."""
    if path.is_dir():
        sdn = sorted(path.glob("sdn*.csv"))
        if not sdn:
            raise IngestError(path, "no sdn*.csv in this folder")
        path = sdn[-1]
    name = path.name
    if not name.lower().startswith("sdn"):
        raise IngestError(path, "the OFAC format wants the sdn*.csv file (or its folder)")

    def sibling(kind: str) -> Path | None:
        candidate = path.with_name(kind + name[3:])
        return candidate if candidate.exists() else None

    return TrioPaths(path, sibling("alt"), sibling("add"))


def _clean(cell: str) -> str | None:
    text = cell.strip()
    return None if not text or text == EMPTY else text


def _rows(
    path: Path, columns: tuple[str, ...], encoding: str, progress: Progress
) -> Iterator[tuple[int, dict[str, str | None]]]:
    for line, row in CsvRows(path, encoding=encoding, delimiter=",", progress=progress):
        if len(row) == 1 and row[0].strip() in ("\x1a", ""):
            continue  # the DOS end-of-file marker
        if len(row) != len(columns):
            raise IngestError(
                path,
                f"expected {len(columns)} columns ({', '.join(columns)}), found {len(row)}",
                line=line,
            )
        record = {col: _clean(cell) for col, cell in zip(columns, row, strict=True)}
        if not (record["ent_num"] or "").isdigit():
            raise IngestError(path, "not an entry number", line=line, field="ent_num")
        yield line, record


def parse_date(text: str) -> str | None:
    text = text.strip().removeprefix("circa ").strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.strftime({"%d %b %Y": "%Y-%m-%d", "%b %Y": "%Y-%m", "%Y": "%Y"}[fmt])
    return None


def _schema_for(kind: str | None, name: str) -> str:
    if kind == "individual":
        return "Person"
    if kind == "vessel":
        return "Vessel"
    if kind == "aircraft":
        return "Airplane"
    return "Company" if COMPANY_FORMS.search(name) else "Organization"


def _apply_remarks(entity: EntityProxy, remarks: str, links: list[str]) -> None:
    entity.add("notes", remarks)
    for clause in (c.strip().rstrip(".") for c in remarks.split(";")):
        lower = clause.lower().removeprefix("alt. ")
        if lower.startswith("linked to:"):
            links.append(clause.split(":", 1)[1].strip())
        elif lower.startswith("a.k.a. "):
            entity.add("alias", clause[7:].strip().strip("'"), quiet=True)
        elif lower.startswith("f.k.a. "):
            entity.add("previousName", clause[7:].strip().strip("'"), quiet=True)
        elif lower.startswith("dob "):
            date = parse_date(clause[len(clause) - len(lower) + 4 :])
            if date:
                entity.add("birthDate", date, quiet=True)
        elif lower.startswith("pob "):
            entity.add("birthPlace", clause[len(clause) - len(lower) + 4 :], quiet=True)
        elif lower.startswith(("nationality ", "citizen ")):
            prop = "nationality" if lower.startswith("nationality") else "citizenship"
            country = registry.country.clean(clause.split(" ", 1)[1], fuzzy=True)
            if country:
                entity.add(prop, country, quiet=True)
        elif lower.startswith("gender "):
            entity.add("gender", lower.split(" ", 1)[1], quiet=True)
        else:
            for label, prop in ID_CLAUSES.items():
                if lower.startswith(label + " "):
                    value = clause[len(clause) - len(lower) + len(label) :].strip()
                    entity.add(prop, re.sub(r"\s*\(.*\)$", "", value), quiet=True)
                    break


def read_ofac(
    path: Path, *, namespace: str, encoding: str = "cp1252", progress: Progress = no_progress
) -> Iterator[Fragment]:
    trio = find_trio(path)
    model = get_model()
    entries: dict[str, EntityProxy] = {}
    by_name: dict[str, str] = {}
    links: list[tuple[str, str, str]] = []  # (ent_num, linked name, origin)
    for line, rec in _rows(trio.sdn, SDN_COLUMNS, encoding, progress):
        ent_num, name = rec["ent_num"] or "", rec["name"]
        if name is None:
            raise IngestError(trio.sdn, "an entry without a name", line=line, field="name")
        entity = model.make_entity(_schema_for(rec["type"], name))
        entity.id = node_id(namespace, ent_num)
        entity.add("name", name)
        entity.add("topics", "sanction")
        programs = [p.strip() for p in (rec["program"] or "").strip("[] ").split("] [") if p]
        entity.add("program", programs)
        if DRUG_PROGRAMS.intersection(programs):
            entity.add("topics", "crime.traffick.drug")
        if rec["title"]:
            entity.add("position" if entity.schema.name == "Person" else "summary", rec["title"])
        if entity.schema.name == "Vessel":
            entity.add("callSign", rec["call_sign"])
            entity.add("type", rec["vess_type"])
            entity.add("tonnage", rec["tonnage"], quiet=True)
            entity.add("grossRegisteredTonnage", rec["grt"], quiet=True)
            entity.add("flag", rec["vess_flag"], quiet=True, fuzzy=True)
        entity_links: list[str] = []
        if rec["remarks"]:
            _apply_remarks(entity, rec["remarks"], entity_links)
        check_entity(entity, path=trio.sdn, line=line)
        origin = f"{trio.sdn.name}:{line}"
        links.extend((ent_num, target, origin) for target in entity_links)
        entries[ent_num] = entity
        by_name.setdefault(name.upper(), ent_num)
        yield Fragment(entity, origin)
    yield from _aliases(trio, entries, encoding, progress, by_name)
    yield from _addresses(trio, entries, encoding, progress)
    for ent_num, target, origin in links:
        other = by_name.get(target.upper()) or by_name.get(target.upper() + ".")
        if other is None or other == ent_num:
            continue  # kept in the entry's notes; no entry of that exact name
        link = model.make_entity("UnknownLink")
        link.id = node_id(namespace, "link", ent_num, other)
        link.add("subject", entries[ent_num].id)
        link.add("object", entries[other].id)
        link.add("role", "Linked To")
        yield Fragment(link, origin)


def _entry_rows(
    path: Path | None,
    columns: tuple[str, ...],
    entries: dict[str, EntityProxy],
    encoding: str,
    progress: Progress,
) -> Iterator[tuple[str, dict[str, str | None], EntityProxy]]:
    """Rows of alt.csv or add.csv with an empty entity of the entry they belong to."""
    if path is None:
        return
    tally = EntityTally(path)  # an entry's aliases (or addresses), one row each
    for line, rec in _rows(path, columns, encoding, progress):
        entry = entries.get(rec["ent_num"] or "")
        if entry is None:
            raise IngestError(path, "refers to no entry of sdn.csv", line=line, field="ent_num")
        stub = get_model().make_entity(entry.schema)
        stub.id = entry.id
        yield f"{path.name}:{line}", rec, stub
        check_entity(stub, path=path, line=line)
        tally.add(stub, line)


def _aliases(
    trio: TrioPaths,
    entries: dict[str, EntityProxy],
    encoding: str,
    progress: Progress,
    by_name: dict[str, str],
) -> Iterator[Fragment]:
    for origin, rec, fragment in _entry_rows(trio.alt, ALT_COLUMNS, entries, encoding, progress):
        name = rec["alt_name"]
        if not name:
            continue
        kind = (rec["alt_type"] or "aka").lower()
        weak = "weak" in (rec["alt_remarks"] or "").lower()
        fragment.add("previousName" if kind == "fka" else ("weakAlias" if weak else "alias"), name)
        by_name.setdefault(name.upper(), rec["ent_num"] or "")
        yield Fragment(fragment, origin)


def _addresses(
    trio: TrioPaths, entries: dict[str, EntityProxy], encoding: str, progress: Progress
) -> Iterator[Fragment]:
    for origin, rec, fragment in _entry_rows(trio.add, ADD_COLUMNS, entries, encoding, progress):
        text = ", ".join(p for p in (rec["address"], rec["city"], rec["country"]) if p)
        if not text:
            continue
        fragment.add("address", text)
        if rec["country"]:
            fragment.add("country", rec["country"], quiet=True, fuzzy=True)
        yield Fragment(fragment, origin)
