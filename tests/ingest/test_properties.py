"""Invariants of loading, checked on generated data (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import orjson
from followthemoney.types import registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cupula.ingest import LoadOptions, ingest
from cupula.ingest.ftm_json import already_clean
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, register_agencies, seen

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
dates = st.dates(date(1000, 1, 1), date(2999, 12, 31)).map(
    lambda d: d.isoformat()[: 4 + 3 * (d.day % 3)]
)
countries = st.sampled_from(sorted(registry.country.codes))


@st.composite
def entities(draw: st.DrawFn) -> list[dict[str, object]]:
    count = draw(st.integers(1, 12))
    out = []
    for i in range(count):
        schema = draw(st.sampled_from(["Person", "Company"]))
        props: dict[str, list[str]] = {"name": draw(st.lists(names, min_size=1, max_size=3))}
        if schema == "Person":
            props["birthDate"] = draw(st.lists(dates, max_size=2))
            props["nationality"] = draw(st.lists(countries, max_size=2))
        else:
            props["jurisdiction"] = draw(st.lists(countries, max_size=1))
        # the same id may come back on a later line (a second fragment of one entity)
        entity_id = (
            f"e{draw(st.integers(0, max(0, i - 1)))}" if i and draw(st.booleans()) else f"e{i}"
        )
        out.append({"id": entity_id, "schema": schema, "properties": props})
    return out


def snapshot(store: Store) -> set[tuple[object, ...]]:
    return {s._replace(last_seen="") for s in seen(store).statements()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entities())
def test_ingesting_twice_changes_nothing(batch: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.ftm.jsonl"
        path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in batch))
        store = register_agencies(Store.open(str(Path(tmp) / "s.db")))
        kw = {"by": ADMIN, "dataset": "d", "agency": "CO-DIJIN", "marking": "RESTRICTED"}
        first = ingest(store, path, **kw)  # type: ignore[arg-type]
        counts, statements = summarize(seen(store)), snapshot(store)
        assert first.statements_added == counts["statements"]
        assert ingest(store, path, **kw).skipped  # type: ignore[arg-type]
        again = ingest(store, path, force=True, **kw)  # type: ignore[arg-type]
        assert again.statements_added == 0
        assert summarize(seen(store)) == counts
        assert snapshot(store) == statements
        # the same entities under another namespace option are a different load, same facts
        ingest(store, path, options=LoadOptions(namespace="other"), **kw)  # type: ignore[arg-type]
        assert snapshot(store) == statements
        store.close()


@settings(max_examples=3000)
@given(
    st.sampled_from(["name", "string", "text", "address", "identifier", "date", "country"]),
    st.one_of(names, dates, countries, st.text(max_size=12)),
)
def test_the_fast_path_accepts_only_what_ftm_would_keep_unchanged(
    type_name: str, value: str
) -> None:
    if already_clean(type_name, value):
        assert registry.get(type_name).clean(value) == value
