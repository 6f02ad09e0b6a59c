"""schemathesis against the published OpenAPI schema: no request it generates, as an
analyst with an API token, makes the server fail (no 5xx)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.app import create_app
from cupula.store import Store
from tests.api.test_workbench import db  # noqa: F401  (the fixture: marked ties, payments)

ADMIN = Viewer.local_admin()  # who makes the token

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
EXAMPLES = 25


def test_no_generated_request_makes_the_server_fail(db: str) -> None:  # noqa: F811
    store = Store.open(db)
    token = accounts.create_token(store, ADMIN, "ana")
    store.close()
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "fuzz"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db), headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text)

        check()
