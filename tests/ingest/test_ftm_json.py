from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cupula.ingest import IngestError, ingest
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, DATA, seen

OS_FILES = sorted((DATA / "opensanctions").glob("*.ftm.jsonl"))
MARKING = "RESTRICTED REL TO ESP H0 ORIG US-DEA"


def load(store: Store, path: Path, **kw: object) -> object:
    return ingest(store, path, by=ADMIN, dataset="os", agency="US-DEA", marking=MARKING, **kw)  # type: ignore[arg-type]


def schema_counts(path: Path) -> dict[str, int]:
    with path.open() as fh:
        return dict(Counter(json.loads(line)["schema"] for line in fh if line.strip()))


@pytest.mark.parametrize("path", OS_FILES, ids=lambda p: p.name)
def test_opensanctions_entities_load_with_every_value(store: Store, path: Path) -> None:
    load(store, path)
    assert seen(store).count_entities() == dict(sorted(schema_counts(path).items()))
    first = json.loads(path.read_text().splitlines()[0])
    entity = seen(store).entity(first["id"])
    assert entity is not None
    for prop, values in first["properties"].items():
        assert set(entity.get(prop)) >= {
            v for v in values if entity.schema.get(prop).type.name in ("name", "string", "text")
        }, prop


def test_statements_keep_origin_and_seen_dates(sqlite_store: Store) -> None:
    path = DATA / "opensanctions" / "eu_fsf_sample_t1.ftm.jsonl"
    load(sqlite_store, path)
    first = json.loads(path.read_text().splitlines()[0])
    statements = list(seen(sqlite_store).statements(entity_id=first["id"]))
    assert {s.origin for s in statements} == {f"{path.name}:1"}
    assert {s.first_seen for s in statements} == {first["first_seen"]}
    assert {s.last_seen for s in statements} == {first["last_seen"]}


def test_loading_the_same_file_twice_adds_nothing(store: Store) -> None:
    path = OS_FILES[0]
    load(store, path)
    before = summarize(seen(store))
    again = load(store, path)
    assert again.skipped  # type: ignore[attr-defined]
    forced = load(store, path, force=True)
    assert forced.statements_added == 0  # type: ignore[attr-defined]
    assert summarize(seen(store)) == before


GOOD = '{"id": "p1", "schema": "Person", "properties": {"name": ["Ana"]}}'
BAD_LINES = [
    ('{"id": "p2", "schema": "Person", "properties": {"name": ["Bo"]', 2, None, "broken JSON"),
    ('["not", "an", "object"]', 2, None, "expected a JSON object"),
    ('{"id": "p2", "schema": "Narco", "properties": {}}', 2, "schema", "unknown schema 'Narco'"),
    (
        '{"id": "p2", "schema": "Person", "properties": {"colour": ["red"]}}',
        2,
        "properties.colour",
        "no property 'colour'",
    ),
    (
        '{"id": "p2", "schema": "Person", "properties": {"birthDate": ["31/02/1999"]}}',
        2,
        "properties.birthDate",
        "not a valid date",
    ),
    ('{"id": "p 2!", "schema": "Person", "properties": {}}', 2, "id", "not a valid entity id"),
    (
        '{"id": "p2", "schema": "Person", "properties": {"name": [7]}}',
        2,
        "properties.name",
        "is not a string",
    ),
    (
        '{"id": "p2", "schema": "Person", "properties": {"name": "x"}, "first_seen": "soon"}',
        2,
        "first_seen",
        "not an ISO date",
    ),
    (
        '{"id": "p2", "schema": "Person", "properties": {"ownershipOwner": ["o1"]}}',
        2,
        "properties.ownershipOwner",
        "reverse property",
    ),
]


@pytest.mark.parametrize(("line", "number", "field", "says"), BAD_LINES)
def test_a_bad_line_names_file_line_and_field_and_loads_nothing(
    store: Store, tmp_path: Path, line: str, number: int, field: str | None, says: str
) -> None:
    load(store, DATA / "opensanctions" / "eu_fsf_sample_t1.ftm.jsonl")
    before = summarize(seen(store))
    path = tmp_path / "bad.ftm.jsonl"
    path.write_text(GOOD + "\n" + line + "\n" + GOOD.replace("p1", "p3") + "\n")
    with pytest.raises(IngestError) as info:
        ingest(store, path, by=ADMIN, dataset="bad", agency="US-DEA", marking=MARKING)
    error = info.value
    assert (error.path, error.line, error.field) == (str(path), number, field)
    assert says in str(error)
    assert str(path) in str(error) and f"line {number}" in str(error)
    assert summarize(seen(store)) == before
    assert seen(store, datasets=["bad"]).count_statements() == 0


def test_a_file_in_the_wrong_encoding_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.ftm.jsonl"
    path.write_bytes(
        GOOD.encode()
        + b"\n"
        + GOOD.replace("Ana", "Jos\u00e9").replace("p1", "p2").encode("latin-1")
        + b"\n"
    )
    with pytest.raises(IngestError, match="line 2"):
        ingest(sqlite_store, path, by=ADMIN, dataset="x", agency="US-DEA", marking=MARKING)
    assert seen(sqlite_store).count_statements() == 0


def test_a_bad_marking_is_refused_before_reading(sqlite_store: Store, tmp_path: Path) -> None:
    from cupula.model.marking import MarkingError

    path = tmp_path / "ok.ftm.jsonl"
    path.write_text(GOOD + "\n")
    with pytest.raises(MarkingError, match="REL must be followed by TO"):
        ingest(sqlite_store, path, by=ADMIN, dataset="x", agency="US-DEA", marking="SECRET REL USA")
    assert seen(sqlite_store).count_statements() == 0
    assert seen(sqlite_store).loads() == []


def test_hostile_values_are_cleaned_or_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "hostile.ftm.jsonl"
    lines = [
        # NUL and control characters (PostgreSQL text cannot hold NUL)
        {
            "id": "h1",
            "schema": "Person",
            "properties": {"name": ["Ana\x00 G\x07ómez"], "phone": ["+57\x00 300"]},
        },
        # deep nesting where a string is expected
        {"id": "h2", "schema": "Person", "properties": {"name": [[[["x"]]]]}},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    with pytest.raises(IngestError, match="line 2") as info:
        ingest(store, path, by=ADMIN, dataset="h", agency="US-DEA", marking=MARKING)
    assert info.value.field == "properties.name"
    path.write_text(json.dumps(lines[0]) + "\n")
    ingest(store, path, by=ADMIN, dataset="h", agency="US-DEA", marking=MARKING)
    values = {s.value for s in seen(store).statements() if s.prop in ("name", "phone")}
    assert all("\x00" not in v for v in values) and len(values) == 2
    long_id = {"id": "x" * 300, "schema": "Person", "properties": {}}
    path.write_text(json.dumps(long_id) + "\n")
    with pytest.raises(IngestError, match="at most 255"):
        ingest(store, path, by=ADMIN, dataset="h2", agency="US-DEA", marking=MARKING)


def test_a_json_bomb_line_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deep.ftm.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(IngestError, match="line 1"):
        ingest(sqlite_store, path, by=ADMIN, dataset="d", agency="US-DEA", marking=MARKING)
