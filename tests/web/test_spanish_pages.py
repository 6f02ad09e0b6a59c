"""The Spanish pages as a Spanish-speaking analyst reads them (issue 13, items 16 and 17):
model names, values and counts in Spanish with the right plural, loads summarised and
refused in Spanish in the form's terms, the money page without payments, the Sankey's
captions, the landing card, and the explorer's money-sized companies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cupula.api import create_app
from cupula.web.i18n import ENGLISH, TEXT, ngettext, reason
from tests.api.test_workbench import db  # noqa: F401  (the fixture: marked facts)

PURPOSE = {"purpose": "op-test", "lang": "es"}


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(db)) as c:
        yield c


def log_in(client: TestClient, user: str) -> None:
    login = client.get("/login")
    csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
    form = {"user": user, "password": f"{user}-pass-1", "csrf": csrf}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def main(html: str) -> str:
    """The page's own text, without the markup and the header."""
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_every_interface_word_has_its_spanish() -> None:
    same = {k for k in ENGLISH if TEXT["es"][k] == ENGLISH[k]}
    assert same == {"kg"}  # a unit


def test_counts_of_one_read_as_one_in_spanish() -> None:
    assert ngettext("es", "{n} tie", "{n} ties", 1) == "1 vínculo"
    assert ngettext("es", "{n} tie", "{n} ties", 2) == "2 vínculos"
    assert ngettext("es", "{n} tie", "{n} ties", 12345) == "12.345 vínculos"
    assert ngettext("en", "{n} tie", "{n} ties", 1) == "1 tie"
    owns = reason("owns or controls 1 company or asset: where the money converges", "es")
    assert owns == "posee o controla 1 empresa o bien: donde converge el dinero"
    brokers = reason(
        "brokers between 2 countries (CO and ES): 1 pair of counterparts in different countries "
        "with no tie of their own",
        "es",
    )
    assert brokers == (
        "intermedia entre 2 países (CO y ES): 1 par de contrapartes en países distintos sin "
        "vínculo propio"
    )
    assert (
        reason("in contact with 1 other (#2 of 9)", "es")
        == "en contacto con 1 persona (n.º 2 de 9)"
    )


def test_the_entity_page_names_schema_properties_and_values_in_spanish(
    client: TestClient,
) -> None:
    log_in(client, "ana")
    person = main(client.get("/entity/p1", params=PURPOSE).text)
    assert "Persona" in person and "Nacionalidad" in person and "Colombia" in person
    assert not re.search(r"\b(Person|nationality|passportNumber|alias)\b", person)
    cooperation = main(client.get("/cooperation", params=PURPOSE).text)
    assert "cocaína" in cooperation and "solicitada" in cooperation
    assert not re.search(r"\b(cocaine|requested)\b", cooperation)
    assert "Estados Unidos → Colombia" in cooperation  # the extradition's route, by name
    network = client.get("/network", params={**PURPOSE, "entity": "p1"}).text
    assert "máx." in network and ">max<" not in network and "max " not in main(network)


def test_the_leaders_page_counts_in_spanish_with_ties_and_pairs(client: TestClient) -> None:
    log_in(client, "ana")
    counts = main(client.get("/leaders", params=PURPOSE).text)
    # ana sees three calls (t1, t2 between p1 and p3; t3 to p2) and two payments (p1 to c1,
    # c1 to c2): five ties between four pairs; the people ranked are p1, p2, p3
    assert "3 personas" in counts
    assert "5 vínculos (cada llamada o encuentro cuenta) entre 4 pares en contacto" in counts


def load(client: TestClient, name: str, body: bytes, **fields: str) -> str:
    page = client.get("/load", params=PURPOSE).text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"csrf": csrf, "dataset": "es-udyco-targets", "marking": "RESTRICTED REL TO COL",
            **fields}  # fmt: skip
    response = client.post("/load", params=PURPOSE, data=form, files={"file": (name, body)})
    return main(response.text)


def test_loads_are_summarised_and_refused_in_spanish_in_the_forms_terms(
    client: TestClient,
) -> None:
    log_in(client, "pepe")
    one = {"id": "e1", "schema": "Person", "properties": {"name": ["Fulano de Tal"]}}
    done = load(client, "targets.jsonl", json.dumps(one).encode())
    assert "targets.jsonl: 1 registro leído como ftm, 2 declaraciones, 2 nuevas" in done
    assert "records" not in done and "statements" not in done
    bad = {"id": "e2", "schema": "Person", "properties": {"birthDate": ["1990-13-45"]}}
    refused = load(client, "bad.jsonl", json.dumps(bad).encode())
    assert "No se cargó nada" in refused and "fichero bad.jsonl, línea 1" in refused
    assert "no es un valor válido de tipo fecha" in refused and "not a valid" not in refused
    # a table in Latin-1: the error names the form's field, and the field reads it
    table = "source,target\nJosé Peña,Íñigo Ruiz\n".encode("latin-1")
    wrong = load(client, "ties.csv", table, format="edgelist")
    assert "campo Codificación" in wrong and "--encoding" not in wrong
    right = load(client, "ties.csv", table, format="edgelist", encoding="latin-1")
    assert "ties.csv: 3 registros leídos como edgelist" in right
    unknown = load(client, "ties.csv", table, format="edgelist", encoding="rot13")
    assert "codificación desconocida &#39;rot13&#39;" in unknown
    assert 'id="encoding"' in client.get("/load", params=PURPOSE).text


def test_the_money_page_without_payments_is_a_page_with_its_navigation(
    client: TestClient,
) -> None:
    log_in(client, "ana")
    response = client.get("/money", params={**PURPOSE, "entity": "p3"})
    assert response.status_code == 200
    assert 'id="nav-search"' in response.text and 'id="no-payments"' in response.text
    assert "No hay pagos de p3 que usted pueda ver." in main(response.text)
    # the same answer for an id that does not exist or that the reader may not see
    log_in(client, "pepe")
    hidden = client.get("/money", params={**PURPOSE, "entity": "c2"})
    missing = client.get("/money", params={**PURPOSE, "entity": "nobody"})
    assert main(hidden.text).replace("c2", "X") == main(missing.text).replace("nobody", "X")


def test_the_sankey_names_the_source_and_cuts_no_label(client: TestClient) -> None:
    log_in(client, "ana")
    page = client.get("/money", params={**PURPOSE, "entity": "p1"}).text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert labels[0] == "Jhon Jairo Restrepo Vargas"  # the source by its name, not "p1"
    assert "Golden Sands General Trading" in labels  # whole, without "(c2)" cut in the middle
    assert "Golden Sands General Trading (c2)" in titles
    assert "Emiratos Árabes Unidos" in labels or "Emiratos Árabes Unidos" in titles


def test_the_landing_card_shows_what_the_reader_may_see(client: TestClient) -> None:
    log_in(client, "ana")
    first = client.get("/search", params={"lang": "es"}).text
    card = first.split("Lo que usted puede ver", 1)[1].split("</div>", 1)[0]
    # before any purpose: the unclassified dataset counted, the confidential one not, and
    # the way to count it
    shared = '<td>co-shared</td><td class="num">31</td>'
    assert shared in card and "co-own" not in card
    assert 'id="card-purpose"' in card and "Indique por qué consulta" in card
    counted = client.get("/search", params=PURPOSE).text
    card = counted.split("Lo que usted puede ver", 1)[1].split("</div>", 1)[0]
    assert shared in card and "co-own" in card and "card-purpose" not in card
    log_in(client, "pepe")  # the other agency: only what is released to it
    card = client.get("/search", params={"lang": "es"}).text.split("Lo que usted puede ver")[1]
    assert "co-shared" in card and "co-own" not in card


def test_the_explorer_sizes_companies_by_the_money_through_them(client: TestClient) -> None:
    log_in(client, "ana")
    page = client.get("/network", params={**PURPOSE, "entity": "c1"}).text
    money = json.loads(page.split('data-money="', 1)[1].split('"', 1)[0].replace("&#34;", '"'))
    assert money["c1"] == 1000.0  # received 1000 from p1, paid 900 on to c2
    log_in(client, "pepe")  # the Spanish partner does not see the payment to c2
    page = client.get("/network", params={**PURPOSE, "entity": "c1"}).text
    money = json.loads(page.split('data-money="', 1)[1].split('"', 1)[0].replace("&#34;", '"'))
    assert "c2" not in money and money == {"p1": 1000.0, "c1": 1000.0}


def test_refusals_are_said_in_spanish(client: TestClient) -> None:
    log_in(client, "pepe")
    missing = client.get("/entity/nobody", params=PURPOSE)
    assert missing.status_code == 404
    assert "ninguna entidad &#39;nobody&#39; entre lo que usted puede ver" in missing.text
    hidden = client.get("/entity/p2", params=PURPOSE)  # Colombian-only: the same answer
    assert main(hidden.text).replace("p2", "X") == main(missing.text).replace("nobody", "X")
    explorer = client.get("/network", params={**PURPOSE, "entity": "p1"}).text
    words = json.loads(explorer.split("data-text='", 1)[1].split("'", 1)[0].replace("&#34;", '"'))
    assert words["schemata"]["Person"] == "Persona" and words["money_through"] == "Dinero que pasa"
