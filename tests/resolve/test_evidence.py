"""Resolution on evidence other than names: identifiers agreeing across aliases, a
nickname against a conflicting birth date, and identifiers that fail their checks."""

from collections.abc import Iterator

import pytest

from cupula.resolve.engine import Resolution, ResolveOptions, score_records
from cupula.resolve.normalize import identifier_key
from cupula.resolve.records import Record, compared_forms, make_record, place_tokens
from cupula.resolve.scoring import reasons

# A register of other people, so that name tokens have realistic frequencies.
GIVEN = ["Maria", "Jose", "Ana", "Luis", "Carmen", "Pedro", "Rosa", "Juan", "Elena", "Diego",
         "Miguel", "Sofia"]  # fmt: skip
FAMILY = ["Garcia", "Lopez", "Martinez", "Rodriguez", "Perez", "Sanchez", "Ramirez", "Torres",
          "Castro", "Vargas"]  # fmt: skip
REGISTER = [
    make_record(f"x-{i}", "Person",
                names=[f"{GIVEN[i % 12]} {FAMILY[i % 10]} {FAMILY[i // 10 % 10]}"],
                dates=[f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}"])
    for i in range(200)
]  # fmt: skip
VALID_IBAN = "DE89 3704 0044 0532 0130 00"
BAD_IBAN = "DE89 3704 0044 0532 0130 01"  # one digit off: the checksum fails


def resolve(*records: Record) -> Iterator[Resolution]:
    res = score_records([*records, *REGISTER], ResolveOptions(match=0.9, review=0.2))
    yield res
    res.close()


def together(res: Resolution, left: str, right: str) -> bool:
    keys = [[res.records[i].key for i in c] for c in res.clusters()]
    return any(left in c and right in c for c in keys)


ALIAS_PAIR = (
    make_record("dijin-1", "Person", names=["Rosie Rundle"], dates=["1975-11-09"],
                identifiers=[("passportNumber", "AB 909 2692")], places=["Bundaberg"]),
    make_record("dea-1", "Person", names=["Jenna Campbell"], dates=["1975-11-09"],
                identifiers=[("passportNumber", "ab9092692")], places=["Bundaberg"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def alias_resolution() -> Iterator[Resolution]:
    yield from resolve(*ALIAS_PAIR)


def test_a_shared_passport_and_birth_date_join_records_whose_names_differ(
    alias_resolution: Resolution,
) -> None:
    assert together(alias_resolution, "dijin-1", "dea-1")
    features = alias_resolution.features(0, 1)
    assert features is not None
    assert features["name"] < 0 < features["alias"] == -features["name"]
    assert features["identifier"] > 0 and features["date"] > 0
    said = reasons(ALIAS_PAIR[0], ALIAS_PAIR[1], features)
    assert any("same passportNumber ab9092692" in line for line in said)
    assert any("shared passportNumber" in line and "alias" in line for line in said)


def test_a_shared_phone_with_only_the_address_does_not_make_an_alias() -> None:
    # a household shares a phone and an address; only the birth date corroborates it
    father = make_record(
        "f",
        "Person",
        names=["Rosie Rundle"],
        dates=["1950-01-02"],
        identifiers=[("phone", "+57 300 123 4567")],
        places=["Bundaberg"],
    )
    son = make_record("s", "Person", names=["Jenna Campbell"], dates=["1980-05-06"],
                      identifiers=[("phone", "+573001234567")], places=["Bundaberg"])  # fmt: skip
    for res in resolve(father, son):
        assert not together(res, "f", "s")
        features = res.features(0, 1)
        assert features is None or features["alias"] == 0


def test_a_nickname_does_not_outweigh_a_conflicting_birth_date() -> None:
    # screening "El Señor" born 1978 matched an OFAC entry born 1943 a.k.a. 'EL SENOR'
    target = make_record("demo-1", "Person", names=["El Señor"], dates=["1978-10-03"])
    listed = make_record(
        "ofac-4108",
        "Person",
        dates=["1943-11-23"],
        names=["RODRIGUEZ OREJUELA, Miguel Angel", "EL SENOR", "PATRICIA"],
    )
    for res in resolve(target, listed):
        assert not together(res, "demo-1", "ofac-4108")
        features = res.features(0, 1)
        assert features is not None and features["date"] < 0
        assert features["name"] <= -features["date"]  # capped by the conflict
    # nor a conflicting national id (the demo's DIJIN record of the same target)
    carded = make_record(
        "demo-3",
        "Person",
        names=["Iván Patiño Valencia", "El Señor"],
        countries=["co"],
        identifiers=[("idNumber", "25846520")],
    )
    listed_id = make_record("ofac-4108", "Person", countries=["co"],
                            names=["RODRIGUEZ OREJUELA, Miguel Angel", "EL SENOR"],
                            identifiers=[("idNumber", "6095803")])  # fmt: skip
    for res in resolve(carded, listed_id):
        assert not together(res, "demo-3", "ofac-4108")
        features = res.features(0, 1)
        assert features is not None and features["identifier"] < 0
        conflicts = features["identifier"] + min(features["country"], 0)
        assert features["name"] <= -conflicts
    # without anything to conflict, the nickname still counts in full
    undated = make_record("demo-2", "Person", names=["El Señor"])
    for res in resolve(undated, listed):
        features = res.features(0, 1)
        assert features is not None and features["name"] > 10


def test_an_iban_failing_its_checksum_is_no_evidence() -> None:
    assert identifier_key("iban", BAD_IBAN) is None
    assert identifier_key("iban", VALID_IBAN) == identifier_key("iban", "de89370400440532013000")
    assert identifier_key("imoNumber", "IMO 9176187") == identifier_key("imoNumber", "9176187")
    assert identifier_key("imoNumber", "9176188") is None
    assert identifier_key("phone", "+1 555 0000") is None  # not a valid number
    assert identifier_key("email", "not an address") is None
    bad = [make_record(k, "Person", names=[n], dates=["1975-11-09"], places=["Bundaberg"],
                       identifiers=[("iban", BAD_IBAN)])
           for k, n in (("a", "Rosie Rundle"), ("b", "Jenna Campbell"))]  # fmt: skip
    assert bad[0].identifiers == ()
    for res in resolve(*bad):
        assert not together(res, "a", "b")
    good = [make_record(r.key, "Person", names=list(r.names), dates=list(r.dates),
                        places=["Bundaberg"], identifiers=[("iban", VALID_IBAN)])
            for r in bad]  # fmt: skip
    for res in resolve(*good):
        assert together(res, "a", "b")


def test_one_typo_in_an_unchecked_number_counts_in_part() -> None:
    a = make_record(
        "a",
        "Person",
        names=["Sophie Lovelock"],
        dates=["1947-04-13"],
        identifiers=[("idNumber", "1321061")],
    )
    b = make_record("b", "Person", names=["Sophie Loveolck"], dates=["1947-04-13"],
                    identifiers=[("idNumber", "1321051")])  # fmt: skip
    for res in resolve(a, b):
        features = res.features(0, 1)
        assert features is not None and features["identifier"] > 0
        assert together(res, "a", "b")


def test_postcodes_are_place_words_and_house_numbers_are_not() -> None:
    assert place_tokens(["12 Smith Street", "Bundaberg 4670"]) == (
        "4670",
        "bundaberg",
        "smith",
        "street",
    )


def test_consecutive_registration_numbers_are_not_a_typo() -> None:
    # sister companies registered one after the other (OFAC's AL-AMER companies)
    concrete = make_record(
        "c",
        "Company",
        names=["AL-AMER FOR MANUFACTURE OF CONCRETE"],
        countries=["sy"],
        identifiers=[("registrationNumber", "1242800")],
    )
    plastic = make_record(
        "p",
        "Company",
        names=["AL-AMER FOR MANUFACTURE OF PLASTIC"],
        countries=["sy"],
        identifiers=[("registrationNumber", "1242801")],
    )
    for res in resolve(concrete, plastic):
        features = res.features(0, 1)
        assert features is None or features["identifier"] < 0


def test_a_shortened_form_does_not_hide_the_surname_of_the_full_name() -> None:
    # UAE's record gives the full name in Arabic script and a Latin form without the
    # second surname; OFAC's PIEDRAHITA GIRALDO is another Gustavo Adolfo Giraldo
    uae = make_record(
        "ae-p-0003",
        "Person",
        countries=["co"],
        names=["غستافو ادولفو غيرالدو ميخيا", "Gustavo Adolfo Giraldo"],
    )
    listed = make_record("ofac-4546", "Person", countries=["co"],
                         names=["PIEDRAHITA GIRALDO, Gustavo Adolfo"])  # fmt: skip
    assert compared_forms(uae) == ("غستافو ادولفو غيرالدو ميخيا",)
    for res in resolve(uae, listed):
        assert not together(res, "ae-p-0003", "ofac-4546")
    # a form that adds a word is kept: "X alias Y" forms are not parts of each other
    chapo = make_record("c", "Person", names=["GUZMAN LOERA, Joaquin", "El Chapo"])
    assert compared_forms(chapo) == chapo.names
