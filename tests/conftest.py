"""Shared fixtures: a fresh store on every backend, and paths to test data."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import make_url

from cupula.access.viewer import Viewer
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
    """A URL of an empty store, once per backend (PostgreSQL needs CUPULA_TEST_PG)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    url = pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (scripts/test.sh starts a server)")
    return new_pg_database(url)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(str(tmp_path / "store.db"))
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
