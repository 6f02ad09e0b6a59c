"""Cooperation figures: seizures, extraditions and requests, as each viewer sees them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from cupula.access.viewer import Viewer
from cupula.cooperation import figures, seizure_figures
from cupula.ingest import ingest
from cupula.model.marking import Classification
from cupula.model.schemata import get_model
from cupula.store import Store
from tests.conftest import ADMIN

SPAIN = Viewer("pepe", "ES-UDYCO", "ESP", Classification.SECRET)
ENTITIES = [
    {"id": "s1", "schema": "Seizure", "properties": {
        "date": ["2025-03-14"], "country": ["co"], "drug": ["cocaine"], "quantityKg": ["1250"],
        "estimatedValue": ["37500000"], "seizingAgency": ["CO-DIJIN"], "involved": ["p1", "p2"]}},
    {"id": "s2", "schema": "Seizure", "properties": {
        "date": ["2026-01-02"], "country": ["es"], "drug": ["cocaine"], "quantityKg": ["300.5"],
        "seizingAgency": ["ES-UDYCO"], "involved": ["p2"]}},
    {"id": "x1", "schema": "Extradition", "properties": {
        "person": ["p1"], "requestingState": ["us"], "requestedState": ["co"],
        "requestDate": ["2025-06-01"], "decisionDate": ["2025-09-15"], "status": ["approved"]}},
    {"id": "r1", "schema": "InformationRequest", "properties": {
        "fromAgency": ["CO-DIJIN"], "toAgency": ["ES-UDYCO"], "status": ["answered"],
        "requestDate": ["2025-05-02"], "deadline": ["2025-06-02"], "answerDate": ["2025-06-10"]}},
    {"id": "r2", "schema": "InformationRequest", "properties": {
        "fromAgency": ["CO-DIJIN"], "toAgency": ["ES-UDYCO"], "status": ["open"],
        "requestDate": ["2026-10-01"], "deadline": ["2026-11-01"]}},
]  # fmt: skip


def test_figures_count_what_each_viewer_may_see(sqlite_store: Store, tmp_path: Path) -> None:
    shared, colombian = tmp_path / "shared.ftm.jsonl", tmp_path / "own.ftm.jsonl"
    shared.write_text("\n".join(json.dumps(e) for e in ENTITIES[1:2] + ENTITIES[3:]), "utf-8")
    colombian.write_text("\n".join(json.dumps(e) for e in ENTITIES[0:1] + ENTITIES[2:3]), "utf-8")
    ingest(sqlite_store, shared, by=ADMIN, dataset="shared", agency="CO-DIJIN",
           marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    ingest(
        sqlite_store, colombian, by=ADMIN, dataset="own", agency="CO-DIJIN", marking="CONFIDENTIAL"
    )
    today = date(2026, 11, 27)
    everything = figures(sqlite_store.view(Viewer.local_admin(), purpose="t"), today=today)
    seizures = everything["seizures"]
    assert seizures["count"] == 2 and seizures["kg"] == 1550.5
    assert seizures["by_drug"] == {"cocaine": {"count": 2, "kg": 1550.5}}
    assert seizures["by_year"] == {"2025": 1, "2026": 1}
    assert seizures["people_involved"] == 2 and seizures["estimated_value"] == 37500000
    assert everything["extraditions"]["by_route"] == {"us→co": 1}
    assert everything["extraditions"]["median_days_to_decision"] == 106
    requests = everything["requests"]
    assert (requests["answered_on_time"], requests["answered_late"], requests["overdue"]) == (
        0,
        1,
        1,
    )
    assert requests["median_days_to_answer"] == 39
    spain = figures(sqlite_store.view(SPAIN, purpose="t"), today=today)
    assert spain["seizures"]["count"] == 1 and spain["seizures"]["by_country"] == {"es": 1}
    assert spain["extraditions"]["count"] == 0
    assert spain["requests"]["count"] == 2


def test_an_undated_seizure_is_counted_as_undated() -> None:
    model = get_model()
    dated = model.get_proxy({"id": "a", "schema": "Seizure", "properties": {"date": ["2025"]}})
    undated = model.get_proxy({"id": "b", "schema": "Seizure", "properties": {}})
    assert seizure_figures([dated, undated])["by_year"] == {"2025": 1, "undated": 1}
