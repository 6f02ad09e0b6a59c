"""Incremental resolution: new records resolved against a stored run, equal to a full run
under the run's model; only what the viewer may see; judgements still apply."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from cupula.access.viewer import Viewer
from cupula.model.marking import Classification, Marking
from cupula.model.statement import BASE, make_statement
from cupula.resolve.clustering import Links, cluster
from cupula.resolve.engine import ResolveOptions, score_records
from cupula.resolve.incremental import NeedsFullRun, ResolutionIndex
from cupula.resolve.judgements import Verdict, judge
from cupula.resolve.records import Record, make_record
from cupula.resolve.service import (
    NoRun,
    clusters_for,
    index_path,
    resolve_incremental,
    resolve_view,
    stored_pairs,
)
from cupula.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from resolve_scale import generate

Pairs = dict[tuple[str, str], float]


def people(n: int, seed: int = 3) -> list[Record]:
    """Generated person records with duplicates (typos, swaps, transliterations),
    shuffled so that an increment holds copies of stored people and new people."""
    cols = generate(n, 0.3)
    records = [
        make_record(str(uid), "Person", names=[f"{f or ''} {s or ''}"],
                    dates=[d] if d else [], places=[c] if c else [])
        for uid, f, s, d, c in zip(cols["unique_id"], cols["first_name"], cols["surname"],
                                   cols["dob"], cols["city"], strict=True)
    ]  # fmt: skip
    random.Random(seed).shuffle(records)
    return records


def keyed(pairs: list[tuple[str, str, float]]) -> Pairs:
    return {(min(a, b), max(a, b)): round(bits, 9) for a, b, bits in pairs}


def clusters_of(keys: list[str], pairs: Pairs, options: ResolveOptions) -> list[list[str]]:
    index = {k: i for i, k in enumerate(keys)}
    links = Links.of((index[a], index[b], bits) for (a, b), bits in pairs.items())
    groups = cluster(len(keys), links, threshold=options.match_bits,
                     max_size=options.max_cluster)  # fmt: skip
    return sorted(sorted(keys[i] for i in g) for g in groups)


def full_run(records: list[Record], path: Path, options: ResolveOptions) -> Pairs:
    resolution = score_records(records, options)
    keys = [r.key for r in resolution.records]
    pairs = keyed([(keys[a], keys[b], bits) for a, b, bits in zip(
        resolution.links.left.tolist(), resolution.links.right.tolist(),
        resolution.links.bits.tolist(), strict=True)])  # fmt: skip
    ResolutionIndex.save(resolution, path)
    resolution.close()
    return pairs


def test_an_increment_equals_a_full_run_under_the_stored_model(tmp_path: Path) -> None:
    records = people(2400)
    stored, new = records[:-240], records[-240:]
    # a copy of a stored record (joins its unit) and two copies of one new record
    dated = next(r for r in stored if r.dates and len(r.dates[0]) == 10)
    fresh = next(r for r in new if r.dates and len(r.dates[0]) == 10)
    twins = [
        Record(**{**_fields(dated), "key": "twin-of-stored"}),
        Record(**{**_fields(fresh), "key": "twin-a"}),
        Record(**{**_fields(fresh), "key": "twin-b"}),
    ]
    new = new + twins
    options = ResolveOptions()
    pairs = full_run(stored, tmp_path / "run.duckdb", options)
    index = ResolutionIndex.open(tmp_path / "run.duckdb")
    increment = index.extend(new)
    index.close()
    assert increment.stats["new_units"] < len(new)  # the twins joined units
    incremental = {**pairs, **keyed(increment.pairs)}
    assert len(incremental) == len(pairs) + len(increment.pairs)  # only new pairs
    keys = [r.key for r in stored + new]
    groups = {k: tuple(g) for g in clusters_of(keys, incremental, options) for k in g}
    assert groups["twin-of-stored"] == groups[dated.key]
    assert groups["twin-a"] == groups["twin-b"] == groups[fresh.key]

    reference = ResolutionIndex.empty_copy(tmp_path / "run.duckdb", tmp_path / "ref.duckdb")
    in_one_go = keyed(reference.extend(stored + new).pairs)
    reference.close()
    assert incremental == in_one_go  # the same pairs, with the same scores
    assert clusters_of(keys, incremental, options) == clusters_of(keys, in_one_go, options)
    # and a full run on the stored records alone is what the increment started from
    assert {k: v for k, v in in_one_go.items() if k in pairs} == pairs


def test_a_changed_record_replaces_its_pairs_and_an_unchanged_one_is_skipped(
    tmp_path: Path,
) -> None:
    records = people(600)
    pairs = full_run(records, tmp_path / "run.duckdb", ResolveOptions())
    a, b = next(iter(sorted(pairs)))
    target = next(r for r in records if r.key == a)
    renamed = Record(**{**_fields(target), "names": ("Zygmunt Quaxley",), "dates": ()})
    index = ResolutionIndex.open(tmp_path / "run.duckdb")
    increment = index.extend([renamed, next(r for r in records if r.key == b)])
    assert increment.replaced == [a]
    assert increment.stats["unchanged"] == 1
    assert all(a not in pair[:2] for pair in increment.pairs)  # nothing like it now
    again = index.extend([renamed])
    assert again.stats["unchanged"] == 1 and again.pairs == []
    index.close()


def test_too_much_new_data_needs_a_full_run(tmp_path: Path) -> None:
    records = people(400)
    full_run(records[:300], tmp_path / "run.duckdb", ResolveOptions())
    index = ResolutionIndex.open(tmp_path / "run.duckdb")
    with pytest.raises(NeedsFullRun, match="run a full resolution"):
        index.extend(records[300:], max_drift=0.1)
    assert index.meta()["added"] == 0  # and the index is as it was
    index.close()


def _fields(record: Record) -> dict[str, object]:
    return {name: getattr(record, name) for name in Record.__slots__}


# -- over a store, for one viewer ---------------------------------------------------

BACKGROUND_NAMES = [f"{g} {f}" for g in ("Luis", "Carlos", "Andres", "Diana", "Paula", "Camilo")
                    for f in ("Gomez", "Perez", "Rojas", "Castro", "Mejia")]  # fmt: skip
CO = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN",
             releasable_to=frozenset({"ESP"}))  # fmt: skip
CO_ONLY = Marking(classification=Classification.UNCLASSIFIED, originator="CO-DIJIN")
ES = Marking(classification=Classification.UNCLASSIFIED, originator="ES-UDYCO",
             releasable_to=frozenset({"COL"}))  # fmt: skip
SEEN = "2026-11-27T00:00:00Z"
COLOMBIA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
SPAIN = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
FIRST = [
    ("co-1", CO, "name", "Jhon Jairo Restrepo Vargas"),
    ("co-1", CO, "birthDate", "1971-04-02"),
    ("es-1", ES, "name", "RESTREPO VARGAS, Jhon Jairo"),
    ("es-1", ES, "birthDate", "1971-04-02"),
    ("co-2", CO, "name", "Maria Fernanda Ospina"),
    ("co-2", CO, "birthDate", "1980-09-09"),
] + [(f"bg-{i}", CO, "name", name) for i, name in enumerate(BACKGROUND_NAMES)]
LATER = [
    ("es-2", ES, "name", "Jhon J. Restrepo Vargas"),
    ("es-2", ES, "birthDate", "1971-04-02"),
    ("es-3", ES, "name", "María Fernanda Ospina"),
    ("es-3", ES, "birthDate", "1980-09-09"),
    # Colombia's eyes only: Spain must never score it
    ("co-9", CO_ONLY, "name", "Jhon Jairo Restrepo Vargas"),
    ("co-9", CO_ONLY, "birthDate", "1971-04-02"),
]


def put(store: Store, facts: list[tuple[str, Marking, str, str]]) -> None:
    with store.writer() as w:
        for marking in (CO, CO_ONLY, ES):
            w.put_marking(marking)
        rows = []
        for entity, marking, prop, value in facts:
            rows.append(make_statement(entity, "Person", BASE, entity, "d", marking.id, seen=SEEN))
            rows.append(make_statement(entity, "Person", prop, value, "d", marking.id, seen=SEEN))
        w.put_statements(rows)


@pytest.fixture
def first(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CUPULA_RESOLUTION_DIR", str(tmp_path / "indexes"))
    put(store, FIRST)
    return store


def test_incremental_equals_a_full_run_over_the_store(first: Store) -> None:
    view = first.view(SPAIN)
    resolve_view(first, view).close()
    put(first, LATER)
    increment = resolve_incremental(first, view, ["es-2", "es-3", "co-9"])
    assert increment.stats["records"] == 2  # co-9 is not Spain's to see
    merged = sorted(clusters_for(first, view).merged())
    assert merged == [["co-1", "es-1", "es-2"], ["co-2", "es-3"]]
    incremental = sorted(stored_pairs(first, view))
    resolve_view(first, view).close()  # a full run on everything
    assert sorted(clusters_for(first, view).merged()) == merged
    assert [p[:2] for p in incremental] == [p[:2] for p in sorted(stored_pairs(first, view))]


def test_a_hidden_record_never_enters_the_run_of_a_viewer_who_may_not_see_it(
    first: Store,
) -> None:
    view = first.view(SPAIN)
    resolve_view(first, view).close()
    put(first, LATER)
    resolve_incremental(first, view, ["es-2", "es-3", "co-9"])
    assert all("co-9" not in pair[:2] for pair in stored_pairs(first, view))
    assert all("co-9" not in members for members in clusters_for(first, view).members)
    index = ResolutionIndex.open(index_path(first, view.signature()))
    assert "co-9" not in index.record_keys()
    index.close()
    # Colombia sees it: in Colombia's own run it joins its twin
    colombia = first.view(COLOMBIA)
    resolve_view(first, colombia).close()
    assert ["co-1", "co-9", "es-1", "es-2"] in clusters_for(first, colombia).merged()


def test_judgements_still_apply_after_an_increment(first: Store) -> None:
    view = first.view(SPAIN)
    resolve_view(first, view).close()
    judge(first, SPAIN, "es-1", "es-2", Verdict.DIFFERENT, "another man")
    put(first, LATER)
    resolve_incremental(first, view, ["es-2", "es-3"])
    together = clusters_for(first, view).of("es-1")
    assert together is not None and "es-2" not in together


def test_what_was_loaded_since_the_run_is_found_by_its_loads(first: Store) -> None:
    view = first.view(SPAIN)
    resolve_view(first, view).close()
    put(first, LATER)
    with first.writer() as w:
        later = "2999-01-01T00:00:00Z"
        w.record_load(dataset="d", agency="ES-UDYCO", path="x", sha256="0" * 64, format="ftm",
                      marking_id=ES.id, options="{}", started=later, finished=later,
                      statements_read=0, statements_added=0)  # fmt: skip
    increment = resolve_incremental(first, view)
    # every entity of the dataset is read again; only es-2 and es-3 are new
    assert increment.stats["records"] - increment.stats["unchanged"] == 2
    assert ["co-2", "es-3"] in clusters_for(first, view).merged()


def test_a_viewer_whose_signature_changed_needs_a_full_run(first: Store) -> None:
    resolve_view(first, first.view(SPAIN)).close()
    with pytest.raises(NoRun, match="full"):
        resolve_incremental(first, first.view(COLOMBIA), ["es-2"])


# -- the command -------------------------------------------------------------------


def test_resolve_incremental_after_a_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cupula.cli.main import app
    from tests.conftest import fresh_db

    monkeypatch.setenv("CUPULA_RESOLUTION_DIR", str(tmp_path / "indexes"))
    runner = CliRunner()
    db = fresh_db(tmp_path / "s.db")

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    def ingest(name: str, rows: list[tuple[str, str, str]]) -> None:
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(
            json.dumps({"id": i, "schema": "Person",
                        "properties": {"name": [n], "birthDate": [d]}}) + "\n"
            for i, n, d in rows))  # fmt: skip
        run("ingest", str(path), "--dataset", name, "--agency", "CO-DIJIN", "--format", "ftm",
            "--marking", "UNCLASSIFIED")  # fmt: skip

    background = [(f"bg-{i}", name, f"19{50 + i}-01-0{1 + i % 9}")
                  for i, name in enumerate(BACKGROUND_NAMES)]  # fmt: skip
    ingest("first", [("a-1", "Jhon Jairo Restrepo Vargas", "1971-04-02"), *background])
    # no stored run yet: the command says so and runs in full
    result = runner.invoke(app, ["--db", db, "resolve", "--incremental"])
    assert result.exit_code == 0, result.output
    assert "full run" in result.output and "31 records" in result.output
    ingest("second", [("b-1", "RESTREPO VARGAS, Jhon Jairo", "1971-04-02")])
    stats = json.loads(run("resolve", "--incremental", "--json"))
    assert stats["records"] - stats["unchanged"] == 1 and stats["pairs"] == 1
    clusters = json.loads(run("clusters", "--json"))
    assert ["a-1", "b-1"] in [c["members"] if isinstance(c, dict) else c for c in clusters]


def test_an_increment_may_bring_what_the_run_had_none_of(tmp_path: Path) -> None:
    """A run of no records, or none with a gender: its tables are typed all the same."""
    full_run([], tmp_path / "empty.duckdb", ResolveOptions())
    index = ResolutionIndex.open(tmp_path / "empty.duckdb")
    ana = make_record("x", "Person", names=["Ana Gomez"], dates=["1970-01-01"])
    assert index.extend([ana]).stats["new_units"] == 1
    index.close()
    full_run(people(300), tmp_path / "run.duckdb", ResolveOptions())
    index = ResolutionIndex.open(tmp_path / "run.duckdb")
    women = [make_record(k, "Person", names=["Ana Gomez"], dates=["1970-01-01"], gender="female")
             for k in ("w-1", "w-2")]  # fmt: skip
    increment = index.extend(women)
    index.close()
    assert [p[:2] for p in increment.pairs] == [("w-1", "w-2")]
