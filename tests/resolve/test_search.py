"""The search box's name index: any script, half-typed names, rare names first."""

from __future__ import annotations

from cupula.resolve.records import make_record
from cupula.resolve.search import NameIndex

RECORDS = [
    make_record("p1", "Person", names=["JARAMILLO ZULUAGA, Rubén Darío"]),
    make_record("p2", "Person", names=["روبين داريو خارامييو زولواغا"]),
    make_record("p3", "Person", names=["Рубен Дарио Харамильо Сулуага"]),
    make_record("p4", "Person", names=["Hernán Darío Salazar Londoño"]),
    make_record("p5", "Person", names=["Luis Fernando Agudelo (El Contador)"]),
    make_record("c1", "Company", names=["Inversiones Costa Azul S.L."]),
]


def found(query: str, **options: float) -> list[str]:
    return [hit.entity_id for hit in NameIndex(RECORDS).search(query, **options)]  # type: ignore[arg-type]


def test_a_name_is_found_in_every_script_it_was_written_in() -> None:
    for query in ("Ruben Dario Jaramillo", "روبين داريو", "Рубен Дарио Харамильо"):
        assert set(found(query)[:3]) == {"p1", "p2", "p3"}, query


def test_what_holds_everything_typed_ranks_first() -> None:
    hits = NameIndex(RECORDS).search("Jaramillo Zuluaga")
    assert hits[0].entity_id == "p1"
    assert hits[0].score > hits[-1].score
    # the common given name alone reaches the other Darío, but after the full matches
    assert found("Dario Jaramillo")[-1] == "p4"


def test_half_typed_names_aliases_and_companies() -> None:
    assert found("Jarami")[0] in {"p1", "p2", "p3"}
    assert found("El Contador") == ["p5"]
    assert found("costa azul")[0] == "c1"


def test_nothing_unrelated_and_nothing_for_nothing() -> None:
    assert found("Wilmer Escobar") == []
    assert found("  ") == []
    assert found("Dario", min_score=0.99) == []


def test_each_entity_once_with_its_best_name() -> None:
    index = NameIndex([make_record("p9", "Person", names=["Pablo Escobar", "El Patrón"])])
    hits = index.search("Pablo Escobar El Patron")
    assert [h.entity_id for h in hits] == ["p9"]


def test_markup_and_punctuation_never_form_or_split_tokens() -> None:
    index = NameIndex(
        [
            make_record("x1", "Person", names=["</script>"]),
            make_record("x2", "Person", names=["<b>Pablo</b> Gaviria"]),
            make_record("p1", "Person", names=["Jhon O'Brien;Restrepo"]),
            make_record("p2", "Person", names=["Script Ramírez"]),
        ]
    )
    assert [h.entity_id for h in index.search("script")] == ["p2"]
    assert index.search("</script>") == []
    # apostrophes join a word, semicolons and other punctuation separate words
    assert [h.entity_id for h in index.search("OBrien Restrepo")] == ["p1"]
    assert [h.entity_id for h in index.search("Gaviria")] == ["x2"]


def test_a_name_of_a_million_characters_costs_no_more_than_a_long_name() -> None:
    import time

    from cupula.ingest.limits import MAX_NAME_CHARS

    started = time.perf_counter()
    index = NameIndex([*RECORDS, make_record("h1", "Person", names=["A" * 1_000_000])])
    found = {h.entity_id for q in ("Jaramillo", "A" * 150) for h in index.search(q)}
    assert time.perf_counter() - started < 5  # 35 s and more before the keys were bounded
    assert {"p1", "h1"} <= found
    many_words = " ".join(f"w{i}" for i in range(100_000))
    index = NameIndex([make_record("h2", "Person", names=[many_words])])
    (name,) = index.names
    assert len(name.tokens) == 64 and len(name.text) <= MAX_NAME_CHARS
