"""Pages through the test client: the leaders page on CAVIAR, in both languages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.app import create_app
from cupula.demo.run import load_caviar
from cupula.model.marking import Classification
from cupula.store import Store

ADMIN = Viewer.local_admin()  # who adds the agencies and users


def test_the_leaders_page_ranks_serero_first_with_reasons(tmp_path: Path) -> None:
    db = str(tmp_path / "caviar.db")
    store = Store.open(db)
    accounts.add_agency(store, ADMIN, "CA-RCMP", "CAN", "RCMP")
    load_caviar(store, tmp_path)
    accounts.add_agency(store, ADMIN, "XX-OTHER", "FRA", "not cleared for CAVIAR")
    accounts.add_user(
        store, ADMIN, "marc", "CA-RCMP", Classification.SECRET, password="marc-pass-1"
    )
    accounts.add_user(store, ADMIN, "zoe", "XX-OTHER", Classification.SECRET, password="zoe-pass-1")
    store.close()
    with TestClient(create_app(db)) as client:
        assert client.get("/leaders", follow_redirects=False).status_code == 303  # log in first
        login = client.get("/login")
        csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
        form = {"user": "marc", "password": "marc-pass-1", "csrf": csrf}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        page = client.get("/leaders", params={"dataset": "caviar"})
        assert page.status_code == 200
        first = page.text.split('<table id="leaders">')[1].split("</tr>")[1]
        assert "Daniel Serero" in first and "<li>" in first
        spanish = client.get("/leaders", params={"dataset": "caviar", "lang": "es"})
        assert "Quién manda" in spanish.text and "Daniel Serero" in spanish.text
        # the explorer offers CAVIAR's phases, and a phase shows that phase's ties only
        assert "<option>11</option>" in client.get("/network").text
        whole = client.get("/api/graph", params={"entity": "caviar-1"}).json()
        first = client.get("/api/graph", params={"entity": "caviar-1", "phase": "1"}).json()
        assert 0 < len(first["nodes"]) < len(whole["nodes"])
        assert (
            client.get("/api/graph", params={"entity": "caviar-1", "phase": "99"}).status_code
            == 400
        )
        client.cookies.clear()
        login = client.get("/login")
        csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
        form = {"user": "zoe", "password": "zoe-pass-1", "csrf": csrf}
        client.post("/login", data=form, follow_redirects=False)
        hidden = client.get("/leaders", params={"dataset": "caviar"})
        assert hidden.status_code == 404 and "Serero" not in hidden.text
