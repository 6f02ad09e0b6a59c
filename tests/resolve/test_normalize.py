from cupula.resolve.frame import build_frame
from cupula.resolve.normalize import date_key, identifier_key, name_forms, name_tokens, skeleton
from cupula.resolve.records import Record, make_record


def test_alias_forms_are_split() -> None:
    assert name_forms("GUZMAN LOERA, Joaquin (El Chapo)") == ["GUZMAN LOERA, Joaquin", "El Chapo"]
    assert name_forms("Ramon alias Moncho") == ["Ramon", "Moncho"]


def test_tokens_fold_scripts_and_drop_fillers() -> None:
    assert name_tokens("José María de la Guzmán") == ("jose", "maria", "guzman")
    assert name_tokens("Владимир Путин") == ("vladimir", "putin")
    # legal forms of organisations agree however they are written
    a = name_tokens("Cártel de los Soles S.A. de C.V.", organisation=True)
    b = name_tokens("CARTEL DE LOS SOLES SA DE CV", organisation=True)
    assert a == b


def test_skeletons_join_transliterations() -> None:
    arabic = name_tokens("غوزمان")[0]
    assert skeleton(arabic) == skeleton("guzman") == skeleton("gusman")
    assert skeleton(name_tokens("بوتين")[0]) == skeleton("putin")
    assert skeleton("guzman") != skeleton("gomez")


def test_dates_and_identifiers_normalise() -> None:
    assert date_key("1957-04-04T00:00:00") == "1957-04-04"
    assert date_key("1957-04") == "1957-04"
    assert date_key("04/04/1957") is None
    assert identifier_key("passportNumber", "G 123-456") == identifier_key(
        "passportNumber", "g123456"
    )
    assert identifier_key("passportNumber", "12") is None


def blocking_keys(record: Record) -> set[str]:
    con = build_frame([record])
    return {row[0] for row in con.execute("SELECT key FROM keys").fetchall()}


def test_a_transliterated_name_shares_a_blocking_key() -> None:
    latin = make_record("a", "Person", names=["Joaquin Guzman"])
    arabic = make_record("b", "Person", names=["خواكين غوزمان"])
    assert blocking_keys(latin) & blocking_keys(arabic)
    swapped = make_record("c", "Person", names=["GUZMAN, Joaquin"])
    assert "n:guzman|joaquin" in blocking_keys(swapped) & blocking_keys(latin)
