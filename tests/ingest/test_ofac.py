from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from cupula.ingest import ingest
from cupula.ingest.ofac import parse_date
from cupula.store import Store
from tests.conftest import ADMIN, DATA, seen, shared

SAMPLE = DATA / "ofac_sample"
MARKING = "UNCLASSIFIED H0 ORIG US-OFAC"
TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def sdn_types(path: Path) -> Counter[str]:
    with path.open(encoding="cp1252", newline="") as fh:
        return Counter(
            TYPES.get(row[2].strip(), "entity")
            for row in csv.reader(fh)
            if row and row[0].strip().isdigit()
        )


def load(store: Store, path: Path) -> None:
    ingest(store, path, by=ADMIN, dataset="ofac", agency="US-OFAC", marking=MARKING, fmt="ofac")


def check_counts(store: Store, sdn: Path) -> None:
    expected = sdn_types(sdn)
    counts = seen(store).count_entities()
    for schema in ("Person", "Vessel", "Airplane"):
        assert counts.get(schema, 0) == expected[schema], schema
    assert counts.get("Company", 0) + counts.get("Organization", 0) == expected["entity"]


def test_sample_entries_become_one_entity_each_with_aliases(store: Store) -> None:
    load(store, SAMPLE / "sdn_sample.csv")
    check_counts(store, SAMPLE / "sdn_sample.csv")
    chapo = seen(store).entity("ofac-6861")
    assert chapo is not None and chapo.schema.name == "Person"
    assert chapo.get("name") == ["GUZMAN LOERA, Joaquin"]
    assert {"GUMAN LOERAL, Joaquin", "GUZMAN LOESA, Joaquin", "GUZMAN, Chapo"} <= set(
        chapo.get("alias")
    )
    assert chapo.get("birthDate") == ["1954-12-25"]
    assert "crime.traffick.drug" in chapo.get("topics")
    orejuela = seen(store).entity("ofac-4107")
    assert orejuela is not None
    assert set(orejuela.get("passportNumber")) == {"T321642", "6067015", "77588", "10545599"}
    assert orejuela.get("address") == ["Cali, Colombia"]
    vessel = seen(store).entity("ofac-4234")
    assert vessel is not None and vessel.get("callSign") == ["CL2685"]
    alias_origins = {
        s.origin.split(":")[0]
        for s in seen(store).statements(entity_id="ofac-6861")
        if s.prop == "alias" and s.origin
    }
    assert alias_origins == {"alt_sample.csv"}


def test_linked_to_becomes_links_between_entries(sqlite_store: Store) -> None:
    load(sqlite_store, SAMPLE)
    links = [e for e in seen(sqlite_store).entities() if e.schema.name == "UnknownLink"]
    assert links, "the sample holds Linked To remarks between its entries"
    ids = {e.id for e in seen(sqlite_store).entities()}
    for link in links:
        assert link.first("subject") in ids and link.first("object") in ids


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("25 Dec 1954", "1954-12-25"),
        ("Dec 1954", "1954-12"),
        ("circa 1960", "1960"),
        ("1950 to 1955", None),
    ],
)
def test_ofac_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_the_whole_2021_list_has_8890_entries(sqlite_store: Store) -> None:
    folder = shared("ofac_sdn")
    load(sqlite_store, folder)
    check_counts(sqlite_store, folder / "sdn_2021-04-25.csv")
    counts = seen(sqlite_store).count_entities()
    entries = sum(
        counts.get(s, 0) for s in ("Person", "Company", "Organization", "Vessel", "Airplane")
    )
    assert entries == 8890
    assert counts["Person"] == 4566
