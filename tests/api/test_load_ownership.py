"""Uploads follow the same rules as `cupula ingest` (issue 13, item 1): the route asks
nothing of its own; ``ingest`` asks the policy. A partner cannot load into another
agency's dataset, nor write about an entity it may not see."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from cupula.access.viewer import Viewer
from cupula.store import Store
from cupula.summary import summarize
from tests.api.test_workbench import PURPOSE, client, db, entity, log_in

__all__ = ["client", "db"]  # fixtures


def upload(client: TestClient, csrf: str, dataset: str, *lines: dict[str, object]) -> object:
    body = "\n".join(json.dumps(line) for line in lines).encode()
    form = {"dataset": dataset, "marking": "RESTRICTED REL TO COL"}
    return client.post("/api/loads", data=form, files={"file": ("plant.jsonl", body)},
                       headers={"X-CSRF-Token": csrf, **PURPOSE})  # fmt: skip


def everything(db: str) -> dict[str, object]:
    store = Store.open(db)
    try:
        return summarize(store.view(Viewer.local_admin(), purpose="tests"))
    finally:
        store.close()


def test_an_upload_into_another_agencys_dataset_is_refused(client: TestClient, db: str) -> None:
    before = everything(db)
    csrf = log_in(client, "pepe")
    answer = upload(client, csrf, "co-shared", entity("e1", "Person", name="AAA Planted"))
    assert answer.status_code == 403, answer.text  # type: ignore[attr-defined]
    assert "belongs to CO-DIJIN" in answer.json()["detail"]  # type: ignore[attr-defined]
    assert everything(db) == before


def test_an_upload_about_a_hidden_entity_reads_as_an_unknown_id(
    client: TestClient, db: str
) -> None:
    before = everything(db)
    csrf = log_in(client, "pepe")
    hidden = upload(client, csrf, "es-notes", entity("p2", "Person", name="AAA Planted"))
    unknown_ref = entity("t9", "Communication", initiator="p3", receiver="p2")
    tie = upload(client, csrf, "es-notes", unknown_ref)
    for answer, field in ((hidden, "id"), (tie, "receiver")):
        assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
        detail = answer.json()["detail"]  # type: ignore[attr-defined]
        assert f"field '{field}': no entity 'p2' that you may see" in detail
        assert "Wílmer" not in detail and "CO-DIJIN" not in detail
    assert everything(db) == before
