"""Nobody writes in another agency's name (issue 13, items 1 and 2): a dataset belongs to
the agency that created it, a load names a registered agency and a marking its writer
could read, and a partner adds to another agency's entity only when it may see it (what
it adds stays its own and never renames the entity)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cupula.access.viewer import Viewer
from cupula.ingest import IngestError, LoadOptions, LoadRefused, ingest
from cupula.model.marking import Classification
from cupula.store import Store
from cupula.summary import summarize
from tests.conftest import ADMIN, seen

ANA = Viewer("ana", "CO-DIJIN", "COL", Classification.SECRET)
LUIS = Viewer("luis", "ES-SEPBLAC", "ESP", Classification.SECRET)
RITA = Viewer("rita", "ES-SEPBLAC", "ESP", Classification.RESTRICTED)
DIJIN_ONLY = "CONFIDENTIAL"
SHARED_WITH_SPAIN = "RESTRICTED REL TO ESP"


def person(entity_id: str, name: str) -> dict[str, Any]:
    return {"id": entity_id, "schema": "Person", "properties": {"name": [name]}}


def write(path: Path, *entities: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), "utf-8")
    return path


@pytest.fixture
def dijin(store: Store, tmp_path: Path) -> Store:
    """DIJIN's wiretaps: a boss Spain may not see, a lieutenant shared with Spain."""
    ingest(store, write(tmp_path / "boss.jsonl", person("co-w-0001", "Jhon Jairo Restrepo")),
           by=ANA, dataset="co-wiretaps", agency="CO-DIJIN", marking=DIJIN_ONLY)  # fmt: skip
    ingest(store, write(tmp_path / "lt.jsonl", person("co-w-0002", "Dairo Antonio Usuga")),
           by=ANA, dataset="co-wiretaps", agency="CO-DIJIN", marking=SHARED_WITH_SPAIN)  # fmt: skip
    return store


def test_a_partner_cannot_load_into_another_agencys_dataset(dijin: Store, tmp_path: Path) -> None:
    before = summarize(seen(dijin))
    plant = write(tmp_path / "plant.jsonl", person("es-p-1", "AAA Planted Name"))
    with pytest.raises(LoadRefused, match="belongs to CO-DIJIN"):
        ingest(dijin, plant, by=LUIS, dataset="co-wiretaps", agency="ES-SEPBLAC",
               marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    with pytest.raises(LoadRefused, match="loads for ES-SEPBLAC, not for CO-DIJIN"):
        ingest(dijin, plant, by=LUIS, dataset="es-notes", agency="CO-DIJIN",
               marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    # not even the local administrator writes into a dataset for another agency
    with pytest.raises(LoadRefused, match="belongs to CO-DIJIN"):
        ingest(dijin, plant, by=ADMIN, dataset="co-wiretaps", agency="ES-SEPBLAC",
               marking="RESTRICTED")  # fmt: skip
    assert summarize(seen(dijin)) == before


def test_a_new_dataset_belongs_to_its_first_loader(dijin: Store, tmp_path: Path) -> None:
    ingest(dijin, write(tmp_path / "a.jsonl", person("es-p-1", "Luis Own")), by=LUIS,
           dataset="es-notes", agency="ES-SEPBLAC", marking="RESTRICTED")  # fmt: skip
    # another user of the same agency loads there too; another agency does not
    ingest(dijin, write(tmp_path / "b.jsonl", person("es-p-2", "Rita Own")), by=RITA,
           dataset="es-notes", agency="ES-SEPBLAC", marking="RESTRICTED")  # fmt: skip
    with pytest.raises(LoadRefused, match="belongs to ES-SEPBLAC"):
        ingest(dijin, write(tmp_path / "c.jsonl", person("co-p-9", "X")), by=ANA,
               dataset="es-notes", agency="CO-DIJIN", marking="RESTRICTED")  # fmt: skip


def test_an_agency_that_does_not_exist_is_refused(dijin: Store, tmp_path: Path) -> None:
    before = summarize(seen(dijin))
    with pytest.raises(LoadRefused, match="no agency CO-DIJN"):
        ingest(dijin, write(tmp_path / "a.jsonl", person("x1", "X")), by=ADMIN,
               dataset="typo", agency="CO-DIJN", marking="RESTRICTED")  # fmt: skip
    assert summarize(seen(dijin)) == before


@pytest.mark.parametrize(
    ("writer", "marking", "why"),
    [
        (RITA, "SECRET", "clearance RESTRICTED is below SECRET"),
        (LUIS, "RESTRICTED CASE op-cupula", "not a member of case op-cupula"),
        (LUIS, "RESTRICTED ORIG CO-DIJIN", "disagrees with the loading agency"),
    ],
)
def test_nobody_writes_what_they_could_not_read(
    dijin: Store, tmp_path: Path, writer: Viewer, marking: str, why: str
) -> None:
    before = summarize(seen(dijin))
    with pytest.raises((LoadRefused, ValueError), match=why):
        ingest(dijin, write(tmp_path / "a.jsonl", person("es-p-1", "X")), by=writer,
               dataset="es-notes", agency="ES-SEPBLAC", marking=marking)  # fmt: skip
    assert summarize(seen(dijin)) == before


def test_writing_about_an_entity_one_may_not_see_reads_as_an_unknown_id(
    dijin: Store, tmp_path: Path
) -> None:
    before = summarize(seen(dijin))
    plant = write(tmp_path / "plant.jsonl", person("es-p-1", "Own"),
                  person("co-w-0001", "AAA Planted Name"))  # fmt: skip
    with pytest.raises(IngestError) as refused:
        ingest(dijin, plant, by=LUIS, dataset="es-notes", agency="ES-SEPBLAC",
               marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    error = refused.value
    assert (error.line, error.field) == (2, "id")
    assert error.message.startswith("no entity 'co-w-0001' that you may see")
    # nothing about the hidden entity or its owner in the answer
    assert "CO-DIJIN" not in str(error) and "Restrepo" not in str(error)
    # a tie to the hidden boss is refused the same way (it would move DIJIN's ranking)
    call = {
        "id": "es-c-1",
        "schema": "Communication",
        "properties": {"initiator": ["co-w-0002"], "receiver": ["co-w-0001"], "weight": ["500"]},
    }
    with pytest.raises(IngestError) as tie:
        ingest(dijin, write(tmp_path / "tie.jsonl", call), by=LUIS, dataset="es-notes",
               agency="ES-SEPBLAC", marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    assert (tie.value.line, tie.value.field) == (1, "receiver")
    assert tie.value.message == error.message
    assert summarize(seen(dijin)) == before


def test_what_a_partner_adds_stays_its_own_and_never_renames(dijin: Store, tmp_path: Path) -> None:
    add = write(tmp_path / "add.jsonl", person("co-w-0002", "AAA Planted Name"))
    ingest(dijin, add, by=LUIS, dataset="es-notes", agency="ES-SEPBLAC",
           marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    colombia = dijin.view(ANA, purpose="tests")
    entity = colombia.entity("co-w-0002")
    assert entity is not None
    assert entity.caption == "Dairo Antonio Usuga"  # the owner's name, not the partner's
    assert "AAA Planted Name" in entity.get("name")
    added = [s for s in colombia.statements(entity_id="co-w-0002") if s.value == "AAA Planted Name"]
    markings = colombia.markings()
    assert [(s.dataset, markings[s.marking_id].originator) for s in added] == [
        ("es-notes", "ES-SEPBLAC")
    ]
    # DIJIN's own dataset holds what it held
    wiretaps = dijin.view(ANA, purpose="tests", datasets=["co-wiretaps"])
    assert {s.value for s in wiretaps.statements() if s.prop == "name"} == {
        "Jhon Jairo Restrepo",
        "Dairo Antonio Usuga",
    }


def test_a_date_of_the_ties_is_a_real_day(dijin: Store, tmp_path: Path) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text("source,target\na,b\n", "utf-8")
    with pytest.raises(IngestError, match="'2025-00-10' is not a date") as bad:
        ingest(dijin, calls, by=LUIS, dataset="es-calls", agency="ES-SEPBLAC",
               marking="RESTRICTED", fmt="edgelist",
               options=LoadOptions(date="2025-00-10"))  # fmt: skip
    assert bad.value.field == "--date"


def test_hidden_facts_about_ones_own_entity_never_lock_one_out(
    dijin: Store, tmp_path: Path
) -> None:
    """DIJIN writes what Spain may not see about Spain's entity; Spain still updates its
    own entity, and learns nothing from the answer."""
    own = write(tmp_path / "own.jsonl", person("es-p-1", "Fulano de Tal"))
    ingest(dijin, own, by=LUIS, dataset="es-notes", agency="ES-SEPBLAC",
           marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    phone = {"id": "es-p-1", "schema": "Person", "properties": {"phone": ["+573001234567"]}}
    ingest(dijin, write(tmp_path / "phone.jsonl", phone), by=ANA, dataset="co-wiretaps",
           agency="CO-DIJIN", marking=DIJIN_ONLY)  # fmt: skip
    again = write(tmp_path / "again.jsonl", person("es-p-1", "Fulano de Tal Pérez"))
    result = ingest(dijin, again, by=LUIS, dataset="es-notes", agency="ES-SEPBLAC",
                    marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    assert result.statements_added == 1


def test_a_partner_neither_renames_nor_retypes_what_an_agency_holds(
    dijin: Store, tmp_path: Path
) -> None:
    """Spain's dataset is older than DIJIN's new one, and its file backdates its line:
    DIJIN still sees its own record named and typed as it wrote it."""
    ingest(dijin, write(tmp_path / "old.jsonl", person("es-p-1", "Own")), by=LUIS,
           dataset="es-old", agency="ES-SEPBLAC", marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    new = write(tmp_path / "new.jsonl", person("co-n-1", "Jhon Jairo Restrepo Vargas"))
    ingest(dijin, new, by=ANA, dataset="co-new", agency="CO-DIJIN",
           marking="RESTRICTED REL TO ESP")  # fmt: skip
    forged = {"id": "co-n-1", "schema": "Airplane", "first_seen": "2000-01-01",
              "properties": {"name": ["AAA Renamed By Spain"]}}  # fmt: skip
    ingest(dijin, write(tmp_path / "forged.jsonl", forged), by=LUIS, dataset="es-old",
           agency="ES-SEPBLAC", marking="RESTRICTED REL TO COL,ESP")  # fmt: skip
    mine = dijin.view(ANA, purpose="tests").entity("co-n-1")
    assert mine is not None
    assert (mine.caption, mine.schema.name) == ("Jhon Jairo Restrepo Vargas", "Person")
    assert "AAA Renamed By Spain" in mine.get("name")  # shown, as Spain's statement
