"""Shared fixtures: a fresh store on every backend, and paths to test data."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from cupula.access import policy
from cupula.access.viewer import Viewer
from cupula.evaluation.scratch import register_agency
from cupula.model.statement import BASE
from cupula.store import Store, View

TESTS = Path(__file__).parent
DATA = TESTS / "data"
PACKAGE_DATA = TESTS.parent / "cupula" / "demo" / "data"
SHARED = TESTS.parent.parent / "shared" / "data"
PG_ENV = "CUPULA_TEST_PG"

# In CI, hypothesis explores the same examples on every run (a red build is reproducible);
# locally it explores new ones each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
_counter = itertools.count()
ADMIN = Viewer.local_admin()  # tests of loading read everything, as the local administrator
PURPOSE = "tests"
# Loads name a registered agency: the stores of the tests know these.
TEST_AGENCIES = ("CO-DIJIN", "CO-FISCALIA", "US-DEA", "US-OFAC", "US-FINCEN", "ES-GC",
                 "ES-SEPBLAC", "ES-UDYCO", "CA-RCMP", "AE-FIU", "NL-POLITIE")  # fmt: skip


def register_agencies(store: Store, *agencies: str) -> Store:
    """Register ``agencies`` (default: TEST_AGENCIES), each in the country of its prefix."""
    for agency in agencies or TEST_AGENCIES:
        register_agency(store, agency)
    return store


def names_and_ids(store: Store) -> set[str]:
    """Every entity id and every name or alias (6 characters or more) in ``store``: what
    must never come out of a read that the policy refused everything."""
    found = set()
    for statement in store.view(ADMIN, purpose=PURPOSE).statements():
        if statement.prop == BASE:
            found.add(statement.entity_id)
        elif statement.prop in ("name", "alias") and len(statement.value) >= 6:
            found.add(statement.value)
    return found


def deny_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace ``policy.decide``, wherever it was imported by name, with a denial."""

    def deny(viewer: Viewer, marking: object) -> policy.Decision:
        return policy.Decision(False, ("the test's policy denies everything",))

    for module in list(sys.modules.values()):
        if getattr(module, "decide", None) is policy.decide:
            monkeypatch.setattr(module, "decide", deny)


def fresh_db(path: Path | str) -> str:
    """``path`` (a file or a URL) after registering the test agencies in its store."""
    store = Store.open(str(path))
    try:
        register_agencies(store)
    finally:
        store.close()
    return str(path)


def pg_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CUPULA_REQUIRE_PG"):
        pytest.fail(f"CUPULA_REQUIRE_PG is set but {PG_ENV} is not")
    return None


def new_pg_database(url: str) -> str:
    """Create an empty database on the test server; return its URL."""
    name = f"cupula_t{os.getpid()}_{next(_counter)}"
    base = make_url(url)
    with psycopg.connect(
        host=base.host,
        port=base.port,
        user=base.username,
        dbname=base.database,
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of a store that knows only the test agencies, once per backend (PostgreSQL
    needs CUPULA_TEST_PG)."""
    if request.param == "sqlite":
        return fresh_db(tmp_path / "store.db")
    url = pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (scripts/test.sh starts a server)")
    return fresh_db(new_pg_database(url))


@pytest.fixture(params=["sqlite", "postgres"])
def bare_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database, once per backend (not even the test agencies)."""
    if request.param == "sqlite":
        return str(tmp_path / "bare.db")
    url = pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (scripts/test.sh starts a server)")
    return new_pg_database(url)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = register_agencies(Store.open(db_url))
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = register_agencies(Store.open(str(tmp_path / "store.db")))
    yield store
    store.close()


def shared(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when this checkout has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (a fresh clone has no ../shared)")
    return path


def seen(store: Store, datasets: list[str] | None = None) -> View:
    """What the local administrator sees (tests of loading look at everything)."""
    return store.view(ADMIN, purpose=PURPOSE, datasets=datasets)
