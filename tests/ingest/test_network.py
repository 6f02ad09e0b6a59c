from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cupula.ingest import IngestError, LoadOptions, ingest
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, PACKAGE_DATA, seen

CAVIAR = PACKAGE_DATA / "caviar"
MONTAGNA = PACKAGE_DATA.parent.parent / "evaluation" / "data" / "montagna"
MARKING = "UNCLASSIFIED H0 A1 ORIG CA-RCMP"


def load(store: Store, path: Path, dataset: str = "net", **options: object) -> object:
    fmt = options.pop("fmt", None)
    return ingest(
        store,
        path,
        by=ADMIN,
        dataset=dataset,
        agency="CA-RCMP",
        marking=MARKING,
        fmt=fmt,  # type: ignore[arg-type]
        options=LoadOptions(**options),
    )  # type: ignore[arg-type]


def read_matrix(path: Path) -> tuple[list[str], dict[str, list[float]]]:
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return rows[0][1:], {r[0]: [float(x) for x in r[1:]] for r in rows[1:]}


def test_caviar_aggregate_matrix_has_110_persons_and_every_tie(store: Store) -> None:
    path = CAVIAR / "caviar_full_110x110.csv"
    load(store, path, dataset="caviar")
    ids, matrix = read_matrix(path)
    nonzero = sum(1 for a in ids for j, b in enumerate(ids) if a != b and matrix[a][j])
    counts = seen(store).count_entities()
    assert counts["Person"] == 110
    assert counts["Communication"] == nonzero  # the matrix is not symmetric: directed ties
    tie = next(e for e in seen(store).entities() if e.schema.name == "Communication")
    source = tie.first("initiator").removeprefix("caviar-")
    target = tie.first("receiver").removeprefix("caviar-")
    assert float(tie.first("weight")) == matrix[source][ids.index(target)]


def test_caviar_phases_keep_their_phase(store: Store) -> None:
    for phase in (1, 2):
        load(store, CAVIAR / f"phase{phase}.csv", dataset="caviar", phase=str(phase))
    phases = {e.first("phase") for e in seen(store).entities() if e.schema.name == "Communication"}
    assert phases == {"1", "2"}
    ids1, _ = read_matrix(CAVIAR / "phase1.csv")
    ids2, _ = read_matrix(CAVIAR / "phase2.csv")
    assert seen(store).count_entities()["Person"] == len(set(ids1) | set(ids2))


def test_symmetric_matrix_becomes_undirected_contacts(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "sym.csv"
    path.write_text('"",a,b,c\na,0,2,0\nb,2,0,1\nc,0,1,0\n')
    load(sqlite_store, path)
    counts = seen(sqlite_store).count_entities()
    assert counts == {"Contact": 2, "Person": 3}


def unordered_pairs(path: Path) -> set[frozenset[str]]:
    with path.open() as fh:
        return {frozenset(row[:2]) for row in csv.reader(fh, delimiter="\t") if row[0] != row[1]}


def test_montagna_calls_are_directed_and_meetings_undirected(store: Store) -> None:
    calls, meetings = (
        MONTAGNA / "Montagna_phonecalls_edgelist.tsv",
        MONTAGNA / "Montagna_meetings_edgelist.tsv",
    )
    load(store, calls, dataset="calls", channel="phone")
    load(store, meetings, dataset="meetings", directed=False, channel="meeting")
    with calls.open() as fh:
        directed_pairs = {tuple(row[:2]) for row in csv.reader(fh, delimiter="\t")}
    call_counts = seen(store, datasets=["calls"]).count_entities()
    assert call_counts["Communication"] == len(directed_pairs)
    assert call_counts["Person"] == 100
    meeting_counts = seen(store, datasets=["meetings"]).count_entities()
    assert meeting_counts["Contact"] == len(unordered_pairs(meetings)) == 256
    assert meeting_counts["Person"] == 101


def test_edgelist_with_header_dates_and_phases(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("caller,receiver,calls,date\nA,B,3,2024-05-01\nA,B,1,2024-06-01\nB,C,2,\n")
    load(sqlite_store, path)
    ties = [e for e in seen(sqlite_store).entities() if e.schema.name == "Communication"]
    assert sorted((e.first("date") or "", e.first("weight")) for e in ties) == [
        ("", "2"),
        ("2024-05-01", "3"),
        ("2024-06-01", "1"),
    ]


def test_attendance_matrix_becomes_events(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "summits.csv"
    path.write_text('"",Summit Madrid,Meeting Cali,Dinner Dubai\nana,1,0,1\nbo,1,1,0\ncy,0,1,0\n')
    load(sqlite_store, path, fmt="attendance", date="2025-01-01")
    events = {
        e.first("name"): sorted(e.get("involved"))
        for e in seen(sqlite_store).entities()
        if e.schema.name == "Event"
    }
    assert events == {
        "Summit Madrid": ["net-ana", "net-bo"],
        "Meeting Cali": ["net-bo", "net-cy"],
        "Dinner Dubai": ["net-ana"],
    }


@pytest.mark.parametrize(
    ("content", "says", "line"),
    [
        ('"",a,b,c\na,0,1,0\nb,1,0,0\n', "not square", 1),
        # rows are read by label: a label that is no column, a tie of a node to itself
        # (what rows in another order than the columns, read by position, would give)
        ('"",a,b,c\na,0,1,0\nx,1,0,0\nc,0,0,0\n', "'x' is not among the column ids", 3),
        ('"",a,b,c\nb,0,5,0\na,0,0,0\nc,0,0,0\n', "a tie from 'b' to itself (5)", 2),
        ('"",a,b,c\na,0,1,0\nb,1,0\nc,0,0,0\n', "row has 2 values", 3),
        ('"",a,b\na,0,x\nb,1,0\n', "'x' is not a number", 2),
        ('"",a,a\na,0,1\nb,1,0\n', "appears twice", 1),
        ('"",a,b\na,0,1\na,1,0\n', "has a second row", 3),
    ],
)
def test_broken_matrices_are_refused(
    store: Store, tmp_path: Path, content: str, says: str, line: int | None
) -> None:
    load(store, CAVIAR / "phase1.csv", dataset="caviar")
    before = summarize(seen(store))
    path = tmp_path / "m.csv"
    path.write_text(content)
    with pytest.raises(IngestError) as info:
        load(store, path, fmt="matrix")
    assert says in str(info.value) and info.value.line == line
    assert summarize(seen(store)) == before


def test_matrix_rows_are_read_by_their_label(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"  # rows in reverse order of the columns: c, b, a
    path.write_text('"",a,b,c\nc,0,0,0\nb,0,0,7\na,0,2,0\n')
    load(sqlite_store, path, fmt="matrix", directed=True)
    ties = {
        (e.first("initiator"), e.first("receiver")): e.first("weight")
        for e in seen(sqlite_store).entities()
        if e.schema.name == "Communication"
    }
    assert ties == {("net-b", "net-c"): "7", ("net-a", "net-b"): "2"}


def test_matrix_is_detected_without_format(sqlite_store: Store) -> None:
    result = load(sqlite_store, CAVIAR / "phase3.csv")
    assert result.format == "matrix"  # type: ignore[attr-defined]
    result = load(sqlite_store, MONTAGNA / "Montagna_phonecalls_edgelist.tsv")
    assert result.format == "edgelist"  # type: ignore[attr-defined]
