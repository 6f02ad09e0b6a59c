"""Records: what resolution compares, taken from the entities a viewer may see.

A record is one entity reduced to the evidence that tells two entities apart or
together: names (all forms and aliases), dates (birth, incorporation, build), countries,
identifiers, places, gender, and the names of its neighbours in the graph. Records are
built only from a ``View``, so resolution never uses a statement its reader may not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.model.entity import countries_of
from cupula.resolve.normalize import (
    date_key,
    identifier_key,
    name_forms,
    name_tokens,
    skeleton,
)
from cupula.store.view import View

# Families of schemata that may be compared with each other; a LegalEntity ("party") may
# turn out to be a person or an organisation.
FAMILIES = {
    "Person": "person",
    "LegalEntity": "party",
    "Company": "organisation",
    "Organization": "organisation",
    "PublicBody": "organisation",
    "Vessel": "vessel",
    "Airplane": "airplane",
    "BankAccount": "account",
    "CryptoWallet": "wallet",
    "UserAccount": "useraccount",
    "Vehicle": "vehicle",
}
DATE_PROPS = ("birthDate", "incorporationDate", "buildDate", "registrationDate")
PLACE_PROPS = ("birthPlace", "address", "city", "postalCode")
# Identifier-typed properties that do not identify the entity itself (the bank of an
# account, a sanctions programme, an industry code).
NOT_IDENTIFYING = frozenset({"programId", "bic", "swiftBic", "okvedCode", "callSign"})
WEAK_IDENTIFIERS = frozenset({"email", "phone"})  # people have several


@dataclass(frozen=True, slots=True)
class Record:
    key: str  # the entity id
    family: str
    schema: str
    names: tuple[str, ...]
    dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # "kind:value" (normalize.identifier_key)
    places: tuple[str, ...] = ()  # place tokens
    gender: str | None = None
    neighbours: tuple[str, ...] = ()  # name keys of the entities it is tied to

    @property
    def organisation(self) -> bool:
        return self.family in ("organisation", "party")


def name_key(name: str) -> str:
    """Order-free key of a name (for neighbour names)."""
    return " ".join(sorted(name_tokens(name)))


def place_tokens(values: Iterable[str]) -> tuple[str, ...]:
    """Words of places and addresses; numbers only of four digits and more (postcodes),
    not house numbers, which many addresses share."""
    tokens: set[str] = set()
    for value in values:
        tokens.update(t for t in name_tokens(value) if len(t) > 2 and
                      (not t.isdigit() or len(t) >= 4))  # fmt: skip
    return tuple(sorted(tokens))


def compared_forms(record: Record) -> tuple[str, ...]:
    """The name forms a pair is scored on: all but those that are part of another form
    of the record (by consonant skeleton, so across scripts too). "Gustavo Adolfo
    Giraldo" beside "غستافو ادولفو غيرالدو ميخيا" says nothing the full name does not,
    and scored alone it would hide the surname ("Mejia") that tells him from another
    Gustavo Adolfo Giraldo."""
    keys = [
        frozenset(skeleton(t) for t in name_tokens(form, record.organisation))
        for form in record.names
    ]
    kept = tuple(
        form
        for form, key in zip(record.names, keys, strict=True)
        if not key or not any(key < other for other in keys)
    )
    return kept or record.names


def make_record(
    key: str,
    schema: str,
    *,
    names: Iterable[str],
    dates: Iterable[str] = (),
    countries: Iterable[str] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    places: Iterable[str] = (),
    gender: str | None = None,
    neighbours: Iterable[str] = (),
) -> Record:
    """A record from raw values (the loaders' and screening's way in)."""
    forms: list[str] = []
    for name in names:
        for form in name_forms(name):
            if form not in forms:
                forms.append(form)
    date_keys = {d for d in (date_key(v) for v in dates) if d}
    ids = {i for i in (identifier_key(k, v) for k, v in identifiers) if i}
    return Record(
        key=key,
        family=FAMILIES.get(schema, schema),
        schema=schema,
        names=tuple(forms),
        dates=tuple(sorted(date_keys)),
        countries=tuple(sorted({c.lower() for c in countries if c})),
        identifiers=tuple(sorted(ids)),
        places=place_tokens(places),
        gender=(gender or "").lower() or None,
        neighbours=tuple(sorted(set(neighbours))),
    )


def identifiers_of(proxy: EntityProxy) -> Iterator[tuple[str, str]]:
    for prop, value in proxy.itervalues():
        if prop.type == registry.identifier and prop.name not in NOT_IDENTIFYING:
            yield prop.name, value
        elif prop.type == registry.email:
            yield "email", value
        elif prop.type == registry.phone:
            yield "phone", value
    if proxy.schema.is_a("CryptoWallet"):
        for value in proxy.get("publicKey", quiet=True):
            yield "wallet", value


def names_of(proxy: EntityProxy) -> list[str]:
    """Every name of the entity, its main names first (aliases and weak aliases after)."""
    names = sorted(proxy.get("name", quiet=True))
    names += sorted(set(proxy.get_type_values(registry.name)) - set(names))
    if proxy.schema.is_a("Person"):
        first = " ".join(proxy.get("firstName", quiet=True))
        last = " ".join(proxy.get("lastName", quiet=True))
        if first or last:
            combined = f"{first} {last}".strip()
            if combined not in names:
                names.append(combined)
    return names


def record_of(proxy: EntityProxy, neighbours: Iterable[str] = ()) -> Record | None:
    """The record of an entity, or None when it is not something resolution joins."""
    if proxy.id is None or proxy.schema.name not in FAMILIES:
        return None
    names = names_of(proxy)
    ids = list(identifiers_of(proxy))
    if not names and not ids:
        return None
    dates = [v for p in DATE_PROPS for v in proxy.get(p, quiet=True)]
    places = [v for p in PLACE_PROPS for v in proxy.get(p, quiet=True)]
    genders = proxy.get("gender", quiet=True)
    return make_record(
        proxy.id,
        proxy.schema.name,
        names=names,
        dates=dates,
        countries=countries_of(proxy),
        identifiers=ids,
        places=places,
        gender=genders[0] if genders else None,
        neighbours=neighbours,
    )


def records_of(view: View) -> list[Record]:
    """The records of every entity the view's viewer may see, with the names of their
    visible neighbours (entities linked through an edge or a reference)."""
    proxies: list[EntityProxy] = []
    label: dict[str, str] = {}
    links: defaultdict[str, set[str]] = defaultdict(set)
    for proxy in view.entities():
        if proxy.id is None:
            continue
        refs = [v for v in proxy.get_type_values(registry.entity) if v != proxy.id]
        if proxy.schema.name in FAMILIES:
            proxies.append(proxy)
            names = names_of(proxy)
            if names:
                label[proxy.id] = name_key(names[0])
            for ref in refs:
                links[proxy.id].add(ref)
                links[ref].add(proxy.id)
        else:  # an edge or event: everything it references is tied together
            for a in refs:
                links[a].update(r for r in refs if r != a)
    records = []
    for member in proxies:
        assert member.id is not None
        neighbours = [label[n] for n in links.get(member.id, ()) if n in label]
        record = record_of(member, neighbours)
        if record is not None:
            records.append(record)
    return records
