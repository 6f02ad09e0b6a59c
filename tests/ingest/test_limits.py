"""Hostile inputs: each limit of ``ingest.limits`` refuses its file with the file, the line
and the field, quickly, and the store stays as it was."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cupula.ingest import IngestError, ingest, limits
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, seen

MARKING = "UNCLASSIFIED H0 A1 ORIG CA-RCMP"
GOOD = {"id": "p-1", "schema": "Person", "properties": {"name": ["Pablo Escobar"]}}
MAPPING = """
entities:
  person:
    schema: Person
    keys: [id]
    properties:
      name: {column: name}
"""


def refused(store: Store, path: Path, **kwargs: object) -> IngestError:
    """Load ``path``; it must be refused within seconds and leave the store unchanged."""
    before = summarize(seen(store))
    started = time.perf_counter()
    with pytest.raises(IngestError) as info:
        ingest(
            store, path, by=ADMIN, dataset="hostile", agency="CA-RCMP", marking=MARKING, **kwargs
        )  # type: ignore[arg-type]
    assert time.perf_counter() - started < 20, "a refusal must not take the time of the attack"
    assert summarize(seen(store)) == before
    assert len(str(info.value)) < 600, "the error must not echo the hostile value"
    return info.value


def jsonl(tmp_path: Path, *entities: object, raw: str = "") -> Path:
    path = tmp_path / "hostile.jsonl"
    lines = [json.dumps(e) for e in entities]
    path.write_text("\n".join(lines) + "\n" + raw)
    return path


@pytest.fixture
def loaded(sqlite_store: Store, tmp_path: Path) -> Store:
    """A store holding one load already (a refusal must leave it exactly so)."""
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n")
    ingest(sqlite_store, good, by=ADMIN, dataset="hostile", agency="CA-RCMP", marking=MARKING)
    return sqlite_store


def person(**properties: object) -> dict[str, object]:
    return {"id": "p-2", "schema": "Person", "properties": properties}


def test_a_name_of_a_million_characters(loaded: Store, tmp_path: Path) -> None:
    error = refused(loaded, jsonl(tmp_path, GOOD, person(name=["A" * 1_000_000])))
    assert (error.path.endswith("hostile.jsonl"), error.line, error.field) == (
        True, 2, "properties.name",
    )  # fmt: skip
    assert "1,000,000 characters" in error.message and "at most 1,000" in error.message


def test_a_name_of_too_many_words(loaded: Store, tmp_path: Path) -> None:
    error = refused(loaded, jsonl(tmp_path, person(alias=["Jo " * 100_000])))
    assert (error.line, error.field) == (1, "properties.alias")  # 300k characters: too long
    error = refused(loaded, jsonl(tmp_path, person(name=[" ".join("ab" * 100)])))
    assert error.field == "properties.name" and "a name of 200 words" in error.message


def test_free_text_and_other_values_have_their_own_limits(loaded: Store, tmp_path: Path) -> None:
    notes = "x" * limits.MAX_TEXT_CHARS  # as long as a text may be: loads
    ok = jsonl(tmp_path, person(name=["Ana"], notes=[notes]))
    ingest(loaded, ok, by=ADMIN, dataset="hostile", agency="CA-RCMP", marking=MARKING)
    error = refused(loaded, jsonl(tmp_path, person(notes=[notes + "x"])))
    assert error.field == "properties.notes"
    error = refused(loaded, jsonl(tmp_path, person(idNumber=["9" * 10_001])))
    assert error.field == "properties.idNumber" and "at most 10,000" in error.message


def test_a_million_values_of_one_property(loaded: Store, tmp_path: Path) -> None:
    error = refused(loaded, jsonl(tmp_path, person(alias=["a"] * 1_000_000)))
    assert (error.line, error.field) == (1, "properties.alias")
    assert "1,000,000 values" in error.message


def test_too_many_values_of_one_entity(loaded: Store, tmp_path: Path) -> None:
    props = ["name", "alias", "weakAlias", "previousName", "firstName", "lastName",
             "middleName", "fatherName", "motherName", "secondName", "title"]  # fmt: skip
    many = {p: [f"{p}{i}" for i in range(limits.MAX_VALUES_PER_PROPERTY)] for p in props}
    error = refused(loaded, jsonl(tmp_path, person(**many)))
    assert (error.line, error.field) == (1, "properties")
    assert "the entity may hold at most 10,000" in error.message


def test_a_mapped_entity_gathering_values_over_rows(loaded: Store, tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"  # every row adds a name to the same person (key "1")
    rows = [f"1,name {i}" for i in range(limits.MAX_VALUES_PER_ENTITY + 1)]
    table.write_text("id,name\n" + "\n".join(rows) + "\n")
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING)
    error = refused(loaded, table, mapping=mapping)
    assert error.path.endswith("rows.csv") and error.line is not None and error.line > 2
    assert "the entity may hold at most" in error.message


def test_a_50_mb_line(loaded: Store, tmp_path: Path) -> None:
    path = tmp_path / "line.jsonl"
    with path.open("w") as fh:
        fh.write(json.dumps(GOOD) + "\n")
        fh.write('{"id": "p-3", "schema": "Person", "properties": {"notes": ["')
        fh.write("x" * 50_000_000 + '"]}}\n')
    error = refused(loaded, path)
    assert error.line == 2 and "longer than 8 MiB" in error.message


def test_a_deeply_nested_line(loaded: Store, tmp_path: Path) -> None:
    error = refused(loaded, jsonl(tmp_path, GOOD, raw="[" * 1_000_000 + "]" * 1_000_000 + "\n"))
    assert error.line == 2 and "broken JSON" in error.message


def test_a_csv_cell_of_100_mb(loaded: Store, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING)
    one_line = tmp_path / "wide.csv"
    with one_line.open("w") as fh:
        fh.write("id,name\n1,Ana\n2,")
        fh.write("x" * 100_000_000 + "\n")
    error = refused(loaded, one_line, mapping=mapping)
    assert error.line == 3 and "longer than 4 MiB" in error.message
    # a quoted cell spanning many short lines (an unclosed quote) counts as one row
    quoted = tmp_path / "quoted.csv"
    with quoted.open("w") as fh:
        fh.write('id,name\n1,Ana\n2,"')
        fh.write(("x" * 99 + "\n") * 60_000)
    error = refused(loaded, quoted, mapping=mapping)
    assert error.line == 3 and "an unclosed quote" in error.message


def test_a_matrix_of_50k_columns(loaded: Store, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    labels = [f"n{i}" for i in range(50_000)]
    path.write_text('""' + "".join(f",{x}" for x in labels) + "\nn0" + ",0" * 50_000 + "\n")
    error = refused(loaded, path, fmt="matrix")
    assert error.line == 1 and "50,000 columns" in error.message and "edge list" in error.message


def test_a_node_label_too_long_for_a_name(loaded: Store, tmp_path: Path) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("source,target\nana,bo\nbo," + "c" * 5_000 + "\n")
    error = refused(loaded, path, fmt="edgelist")
    assert (error.line, error.field) == (3, "properties.name")


def test_an_ofac_entry_name_too_long(loaded: Store, tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    empty = ["-0-"] * 8
    rows = [["36", "AEROCARIBBEAN AIRLINES", "-0-", "CUBA", *empty],
            ["173", "ANGLO-CARIBBEAN " * 200, "-0-", "CUBA", *empty]]  # fmt: skip
    (folder / "sdn.csv").write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows))
    error = refused(loaded, folder, fmt="ofac")
    assert (error.line, error.field) == (2, "properties.name")


@pytest.mark.parametrize(
    ("fmt", "name", "limit"),
    [("matrix", "m.csv", 64 << 20), ("ofac", "sdn.csv", 256 << 20), ("ftm", "e.jsonl", 16 << 30)],
)
def test_file_size_per_format(
    loaded: Store, tmp_path: Path, fmt: str, name: str, limit: int
) -> None:
    path = tmp_path / name
    with path.open("wb") as fh:
        fh.truncate(limit + 1)  # sparse: the size is all that is checked, before any read
    error = refused(loaded, path, fmt=fmt)
    assert error.path == str(path) and f"{limit + 1:,} bytes" in error.message
