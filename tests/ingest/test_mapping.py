from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from cupula.ingest import IngestError, ingest
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, seen

MAPPING = """
entities:
  person:
    schema: Person
    key_literal: person
    keys: [cedula]
    properties:
      name: {column: nombre}
      birthDate: {column: nacimiento}
      idNumber: {column: cedula}
      nationality: {literal: co}
  company:
    schema: Company
    keys: [empresa]
    properties:
      name: {column: empresa}
  directorship:
    schema: Directorship
    key_literal: directorship
    keys: [cedula, empresa]
    properties:
      director: {entity: person}
      organization: {entity: company, required: true}
"""
ROWS = [
    ("cedula", "nombre", "nacimiento", "empresa"),
    ("71234567", "Jhon Jairo Restrepo Gómez", "1971-04-02", "Inversiones Costa Azul S.L."),
    ("80765432", "Yésica Marín", "1985-11-30", ""),
]
MARKING = "RESTRICTED REL TO ESP H1 C3 ORIG CO-DIJIN"


def write_csv(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8") -> Path:
    path.write_bytes("\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode(encoding))
    return path


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "registry.yml"
    path.write_text(MAPPING)
    return path


def load(store: Store, path: Path, mapping: Path, **kw: object) -> object:
    return ingest(
        store,
        path,
        by=ADMIN,
        dataset="registry",
        agency="CO-DIJIN",
        marking=MARKING,
        mapping=mapping,
        **kw,
    )  # type: ignore[arg-type]


def test_csv_rows_become_entities_and_links(store: Store, tmp_path: Path, mapping: Path) -> None:
    load(store, write_csv(tmp_path / "registry.csv", ROWS), mapping)
    # the second row has no company: FtM skips the company and the directorship
    assert seen(store).count_entities() == {
        "Company": 1,
        "Directorship": 1,
        "Person": 2,
    }
    people = {e.first("name"): e for e in seen(store).entities() if e.schema.name == "Person"}
    assert people["Jhon Jairo Restrepo Gómez"].get("nationality") == ["co"]
    assert people["Yésica Marín"].get("birthDate") == ["1985-11-30"]
    origins = {s.origin for s in seen(store).statements() if s.value == "Yésica Marín"}
    assert origins == {"registry.csv:3"}


def test_excel_sheet_loads_like_csv(sqlite_store: Store, tmp_path: Path, mapping: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(list(row))
    path = tmp_path / "registry.xlsx"
    book.save(path)
    load(sqlite_store, path, mapping)
    assert seen(sqlite_store).count_entities()["Person"] == 2


def test_colliding_ids_from_a_mapping_are_refused(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nokeys.yml"
    path.write_text(
        MAPPING.replace("    key_literal: person\n", "")
        .replace("    key_literal: directorship\n", "")
        .replace(", required: true", "")
    )
    with pytest.raises(IngestError, match="the same id") as info:
        load(sqlite_store, write_csv(tmp_path / "r.csv", ROWS), path)
    assert info.value.line == 3
    assert seen(sqlite_store).count_statements() == 0


def test_a_missing_column_is_named(store: Store, tmp_path: Path, mapping: Path) -> None:
    rows = [tuple(c for c in r if c != r[2]) for r in ROWS]
    with pytest.raises(IngestError) as info:
        load(store, write_csv(tmp_path / "r.csv", rows), mapping)
    assert info.value.field == "nacimiento" and info.value.line == 1
    assert "uses column 'nacimiento'" in str(info.value)
    assert summarize(seen(store))["statements"] == 0


def test_unknown_schema_or_property_in_the_mapping(sqlite_store: Store, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "r.csv", ROWS)
    for bad, says in [
        (MAPPING.replace("schema: Company", "schema: Cartel"), "Invalid schema"),
        (MAPPING.replace("birthDate:", "birthday:"), "Invalid property"),
    ]:
        path = tmp_path / "bad.yml"
        path.write_text(bad)
        with pytest.raises(IngestError, match=says) as info:
            load(sqlite_store, data, path)
        assert info.value.path == str(path)


def test_an_unreadable_value_names_its_line(
    sqlite_store: Store, tmp_path: Path, mapping: Path
) -> None:
    rows = [*ROWS, ("1234", "Bad Date", "yesterday", "")]
    with pytest.raises(IngestError, match="'yesterday' is not a valid") as info:
        load(sqlite_store, write_csv(tmp_path / "r.csv", rows), mapping)
    assert info.value.line == 4
    assert seen(sqlite_store).count_statements() == 0


def test_wrong_encoding_is_refused_with_its_line(
    sqlite_store: Store, tmp_path: Path, mapping: Path
) -> None:
    path = write_csv(tmp_path / "r.csv", ROWS, encoding="cp1252")
    with pytest.raises(IngestError, match="not valid utf-8") as info:
        load(sqlite_store, path, mapping)
    assert info.value.line == 2
    assert seen(sqlite_store).count_statements() == 0
    load(
        sqlite_store,
        path,
        mapping,
        options=__import__("cupula.ingest", fromlist=["x"]).LoadOptions(encoding="cp1252"),
    )
    assert seen(sqlite_store).count_entities()["Person"] == 2


def test_hostile_yaml_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    laughs = (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "entities: *i\n"
    )
    path = tmp_path / "laughs.yml"
    path.write_text(laughs)
    with pytest.raises(IngestError, match="aliases"):
        load(sqlite_store, write_csv(tmp_path / "r.csv", ROWS), path)
    big = tmp_path / "big.yml"
    big.write_text("# " + "x" * 1_100_000 + "\n" + MAPPING)
    with pytest.raises(IngestError, match="larger than"):
        load(sqlite_store, write_csv(tmp_path / "r.csv", ROWS), big)
