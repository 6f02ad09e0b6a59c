"""A synthetic multi-agency case with known ground truth, from a seeded generator.

One transnational organisation, seen in fragments by five partners:

- ``CO-DIJIN`` (Colombia, police): wiretapped calls over three phases, the cell's
  members with their national ids, a seizure at Buenaventura;
- ``ES-SEPBLAC`` (Spain, financial intelligence): bank accounts and transfers;
- ``US-DEA`` (United States): a target list with aliases, and an extradition;
- ``AE-FIU`` (United Arab Emirates): a Dubai company registry, names in Arabic script;
- ``NL-POLITIE`` (Netherlands): a seizure in Rotterdam, the vessel and crew.

The two bosses live abroad (Dubai, Madrid), rarely call, never touch a shipment, and
own the front companies where the money ends. Every partner writes names its own way
(accents, order, upper case, initials, aliases, Arabic script); only the ground truth
says who is who. Same seed, same case.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

GIVEN = [
    "Jhon Jairo",
    "Luis Fernando",
    "Carlos Alberto",
    "Óscar Iván",
    "Diego León",
    "Wílmer",
    "Hernán Darío",
    "Jesús María",
    "Ramiro",
    "Édgar",
    "Fabio Andrés",
    "Álvaro",
    "Gustavo Adolfo",
    "Néstor",
    "Yésica",
    "Marta Lucía",
    "Sandra Milena",
    "José Ángel",
    "Rubén Darío",
    "Iván",
]
SURNAMES = [
    "Restrepo",
    "Gómez",
    "Ochoa",
    "Valencia",
    "Zuluaga",
    "Henao",
    "Cárdenas",
    "Londoño",
    "Muñoz",
    "Quintero",
    "Jaramillo",
    "Betancur",
    "Agudelo",
    "Ríos",
    "Salazar",
    "Giraldo",
    "Escobar",
    "Patiño",
    "Úsuga",
    "Marín",
    "Echeverri",
    "Castaño",
    "Mejía",
    "Arango",
]
NICKNAMES = [
    "El Químico",
    "Don Mario",
    "El Arquitecto",
    "Pedro Pablo",
    "El Médico",
    "Otoniel",
    "El Señor",
    "La Madrina",
    "Gordo",
    "El Flaco",
    "Tío",
    "Caballo",
]
JHON_SPELLINGS = {"Jhon": "John", "Wílmer": "Wilmer", "Yésica": "Jessica"}

# Spanish letters to Arabic script, longest first: how a Gulf registry clerk might
# write a Latin-American name. Short vowels mostly vanish, as in real transliteration.
ARABIC = [
    ("ch", "تش"),
    ("ll", "ي"),
    ("qu", "ك"),
    ("gu", "غ"),
    ("j", "خ"),
    ("a", "ا"),
    ("b", "ب"),
    ("c", "ك"),
    ("d", "د"),
    ("e", "ي"),
    ("f", "ف"),
    ("g", "غ"),
    ("h", ""),
    ("i", "ي"),
    ("k", "ك"),
    ("l", "ل"),
    ("m", "م"),
    ("n", "ن"),
    ("o", "و"),
    ("p", "ب"),
    ("r", "ر"),
    ("s", "س"),
    ("t", "ت"),
    ("u", "و"),
    ("v", "ف"),
    ("w", "و"),
    ("x", "كس"),
    ("y", "ي"),
    ("z", "ز"),
]

MARKINGS = {
    "co-dijin-wiretaps": "CONFIDENTIAL REL TO COL,USA H2 B2",
    "co-dijin-seizures": "RESTRICTED REL TO COL,ESP,USA,NLD,ARE H0 A1",
    "es-sepblac-transfers": "CONFIDENTIAL REL TO ESP,COL H1 B2",
    "us-dea-targets": "SECRET REL TO USA,COL H2 A2",
    "us-dea-extraditions": "RESTRICTED REL TO USA,ESP,COL H0 A1",
    "ae-fiu-registry": "RESTRICTED REL TO ARE,ESP,USA,COL H1 C3",
    "nl-politie-rotterdam": "RESTRICTED REL TO NLD,ESP,COL,USA H0 A1",
}
AGENCY_OF = {
    "co-dijin-wiretaps": "CO-DIJIN",
    "co-dijin-seizures": "CO-DIJIN",
    "es-sepblac-transfers": "ES-SEPBLAC",
    "us-dea-targets": "US-DEA",
    "us-dea-extraditions": "US-DEA",
    "ae-fiu-registry": "AE-FIU",
    "nl-politie-rotterdam": "NL-POLITIE",
}

ROLES = (
    ["boss"] * 2
    + ["lieutenant"] * 3
    + ["broker"] * 2
    + ["money"] * 3
    + ["transport"] * 4
    + ["cell"] * 8
    + ["nominee"] * 2
)


@dataclass
class TruePerson:
    key: str
    given: str
    surname1: str
    surname2: str
    role: str
    birth_date: str
    cedula: str
    residence: str  # country code where he lives
    nickname: str | None = None
    records: dict[str, str] = field(default_factory=dict)  # dataset -> entity id


@dataclass
class DemoFile:
    dataset: str
    agency: str
    marking: str
    entities: list[dict[str, Any]]


@dataclass
class DemoCase:
    files: list[DemoFile]
    truth: dict[str, Any]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def to_arabic(text: str) -> str:
    out: list[str] = []
    for word in strip_accents(text.lower().replace("ñ", "ni")).split():
        i, letters = 0, []
        while i < len(word):
            for latin, arabic in ARABIC:
                if word.startswith(latin, i):
                    letters.append(arabic)
                    i += len(latin)
                    break
            else:
                i += 1
        out.append("".join(letters))
    return " ".join(w for w in out if w)


def _entity(entity_id: str, schema: str, **props: Any) -> dict[str, Any]:
    properties = {}
    for key, value in props.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        properties[key] = [str(v) for v in values if v is not None]
    return {"id": entity_id, "schema": schema, "properties": properties}


class _Case:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people: list[TruePerson] = []
        self.files: dict[str, list[dict[str, Any]]] = {name: [] for name in MARKINGS}
        surnames = self.rng.sample(SURNAMES, len(SURNAMES))
        givens = self.rng.sample(GIVEN, len(GIVEN))
        nicknames = self.rng.sample(NICKNAMES, len(NICKNAMES))
        for i, role in enumerate(ROLES):
            residence = {
                "boss": ["ae", "es"][i % 2],
                "money": ["es", "ae", "us"][i % 3],
                "transport": ["co", "nl"][i % 2],
            }.get(role, "co")
            self.people.append(
                TruePerson(
                    key=f"P{i + 1:02d}",
                    given=givens[i % len(givens)],
                    surname1=surnames[(2 * i) % len(surnames)],
                    surname2=surnames[(2 * i + 1) % len(surnames)],
                    role=role,
                    birth_date=f"{self.rng.randint(1960, 1992)}-{self.rng.randint(1, 12):02d}"
                    f"-{self.rng.randint(1, 28):02d}",
                    cedula=str(self.rng.randint(10_000_000, 99_999_999)),
                    residence=residence,
                    nickname=nicknames.pop() if role in ("boss", "lieutenant", "broker") else None,
                )
            )

    def by_role(self, role: str) -> list[TruePerson]:
        return [p for p in self.people if p.role == role]

    # -- how each partner writes a name ---------------------------------------------

    def colombian(self, p: TruePerson) -> str:
        return f"{p.given} {p.surname1} {p.surname2}"

    def spanish_fiu(self, p: TruePerson) -> str:
        given = " ".join(JHON_SPELLINGS.get(w, w) for w in p.given.split())
        return strip_accents(f"{p.surname1} {p.surname2}, {given}").upper()

    def american(self, p: TruePerson) -> str:
        given = " ".join(JHON_SPELLINGS.get(w, w) for w in p.given.split())
        name = strip_accents(f"{p.surname1.upper()} {p.surname2.upper()}, {given}")
        if self.rng.random() < 0.3:  # a typo, as on real lists
            i = self.rng.randrange(2, len(name) - 2)
            name = name[:i] + name[i + 1 :]
        return name

    def dutch(self, p: TruePerson) -> str:
        initials = " ".join(w[0] + "." for w in strip_accents(p.given).split())
        return f"{initials} {strip_accents(p.surname1)}"

    # -- each partner's file ----------------------------------------------------------

    def record(self, dataset: str, prefix: str, p: TruePerson, **props: Any) -> str:
        entity_id = p.records.get(dataset)
        if entity_id is None:
            entity_id = f"{prefix}-{len(self.files[dataset]) + 1:04d}"
            p.records[dataset] = entity_id
            self.files[dataset].append(_entity(entity_id, "Person", **props))
        return entity_id

    def wiretaps(self) -> None:
        ds = "co-dijin-wiretaps"
        bosses, lts = self.by_role("boss"), self.by_role("lieutenant")
        brokers, cell = self.by_role("broker"), self.by_role("cell")
        transport, money = self.by_role("transport"), self.by_role("money")
        tapped = bosses + lts + brokers + cell + transport[:2] + money[:1]
        for p in tapped:
            self.record(
                ds,
                "co-w",
                p,
                name=self.colombian(p),
                idNumber=p.cedula,
                nationality="co",
                alias=p.nickname,
            )
        ties: list[tuple[TruePerson, TruePerson, int]] = []
        for boss in bosses:  # few calls, all initiated by the boss, only to lieutenants
            ties += [(boss, lt, self.rng.randint(1, 3)) for lt in lts]
        for lt in lts:
            ties += [(lt, b, self.rng.randint(3, 8)) for b in brokers]
            ties += [(lt, c, self.rng.randint(2, 10)) for c in self.rng.sample(cell, 4)]
            ties.append((lt, money[0], self.rng.randint(1, 4)))
        for b in brokers:
            ties += [(b, t, self.rng.randint(4, 12)) for t in transport[:2]]
        for a in cell:  # the cell talks a lot: the busiest phones are not the bosses
            ties += [(a, c, self.rng.randint(5, 20)) for c in self.rng.sample(cell, 4) if c != a]
        for phase in (1, 2, 3):
            for src, dst, weight in ties:
                if self.rng.random() < 0.8:
                    s_id, d_id = src.records[ds], dst.records[ds]
                    self.files[ds].append(
                        _entity(
                            f"co-w-call-{s_id[-4:]}-{d_id[-4:]}-p{phase}",
                            "Communication",
                            initiator=s_id,
                            receiver=d_id,
                            weight=weight + phase,
                            phase=str(phase),
                            channel="phone",
                            date=f"2025-0{2 * phase}",
                        )
                    )

    def seizures(self) -> None:
        ds = "co-dijin-seizures"
        crew = self.by_role("cell")[:3] + self.by_role("transport")[:1]
        ids = [self.record(ds, "co-s", p, name=self.colombian(p), idNumber=p.cedula) for p in crew]
        self.files[ds].append(
            _entity(
                "co-s-seizure-1",
                "Seizure",
                name="Incautación Buenaventura",
                date="2025-03-14",
                country="co",
                place="Puerto de Buenaventura, Valle del Cauca",
                drug="cocaine",
                quantityKg="1250",
                estimatedValue="37500000",
                currency="USD",
                seizingAgency="CO-DIJIN",
                involved=ids,
            )
        )

    def transfers(self) -> None:
        ds = "es-sepblac-transfers"
        money, bosses = self.by_role("money"), self.by_role("boss")
        lts = self.by_role("lieutenant")
        fronts = [
            ("Inversiones Costa Azul S.L.", "es"),
            ("Golden Sands General Trading LLC", "ae"),
            ("Atlantic Reefer Logistics Corp.", "us"),
        ]
        company_ids = []
        for i, (name, country) in enumerate(fronts, 1):
            company_ids.append(f"es-c-{i:03d}")
            self.files[ds].append(
                _entity(f"es-c-{i:03d}", "Company", name=name, jurisdiction=country)
            )
        payers = money + lts[:1]
        for p in payers + bosses:
            self.record(
                ds,
                "es-p",
                p,
                name=self.spanish_fiu(p),
                birthDate=p.birth_date,
                nationality="co",
                country=p.residence,
            )
        n = 0
        for month in range(1, 10):
            for payer in payers:
                n += 1
                target = company_ids[self.rng.randrange(len(company_ids))]
                self.files[ds].append(
                    _entity(
                        f"es-pay-{n:04d}",
                        "Payment",
                        payer=payer.records[ds],
                        beneficiary=target,
                        amount=self.rng.randint(9, 95) * 1000,
                        currency="EUR",
                        date=f"2025-{month:02d}-{self.rng.randint(1, 28):02d}",
                        purpose="Consultoría" if self.rng.random() < 0.5 else "Importación frutas",
                    )
                )
        for boss, company in zip(bosses, company_ids[:2], strict=True):  # where it ends
            n += 1
            self.files[ds].append(
                _entity(
                    f"es-pay-{n:04d}",
                    "Payment",
                    payer=company,
                    beneficiary=boss.records[ds],
                    amount=self.rng.randint(400, 900) * 1000,
                    currency="EUR",
                    date="2025-10-02",
                    purpose="Dividendos",
                )
            )

    def targets(self) -> None:
        ds = "us-dea-targets"
        for p in self.by_role("boss") + self.by_role("lieutenant") + self.by_role("broker"):
            self.record(
                ds,
                "us-t",
                p,
                name=self.american(p),
                birthDate=p.birth_date,
                nationality="co",
                alias=p.nickname,
                topics="crime.traffick.drug",
            )

    def extraditions(self) -> None:
        ds = "us-dea-extraditions"
        lt = self.by_role("lieutenant")[0]
        pid = self.record(ds, "us-x", lt, name=self.american(lt), birthDate=lt.birth_date)
        self.files[ds].append(
            _entity(
                "us-x-ext-1",
                "Extradition",
                person=pid,
                requestingState="us",
                requestedState="es",
                requestDate="2025-06-01",
                decisionDate="2025-09-15",
                status="approved",
                caseReference="EXT-2025-0417",
                charges="Conspiracy to import cocaine (21 USC 963)",
            )
        )
        self.files[ds].append(
            _entity(
                "us-x-rfi-1",
                "InformationRequest",
                fromAgency="US-DEA",
                toAgency="ES-SEPBLAC",
                subjects=pid,
                status="answered",
                requestDate="2025-05-02",
                deadline="2025-06-02",
                answerDate="2025-05-28",
                reference="RFI-DEA-ES-88",
                question="Bank accounts held in Spain by the subject",
            )
        )

    def registry(self) -> None:
        ds = "ae-fiu-registry"
        bosses, nominees = self.by_role("boss"), self.by_role("nominee")
        money = self.by_role("money")
        holders = bosses + nominees + money[1:2]
        for p in holders:
            full = self.colombian(p)
            self.record(
                ds,
                "ae-p",
                p,
                name=to_arabic(full),
                alias=strip_accents(f"{p.given} {p.surname1}"),
                nationality="co",
                country=p.residence,
            )
        companies = [
            ("ae-c-001", "Golden Sands General Trading LLC", "شركة الرمال الذهبية للتجارة العامة"),
            ("ae-c-002", "Falcon Crest Real Estate FZE", "فالكون كريست للعقارات"),
            ("ae-c-003", "Meridian Marine Services FZCO", "ميريديان للخدمات البحرية"),
        ]
        for cid, latin, arabic in companies:
            self.files[ds].append(
                _entity(
                    cid,
                    "Company",
                    name=[latin, arabic],
                    jurisdiction="ae",
                    registrationNumber=f"DMCC-{self.rng.randint(10000, 99999)}",
                )
            )
        # The bosses own through nominees: a chain the money trail must follow.
        chain = [
            (nominees[0], "ae-c-001", 100),
            (nominees[1], "ae-c-002", 60),
            (bosses[0], "ae-c-002", 40),
            (bosses[1], "ae-c-003", 75),
        ]
        for n, (owner, company, share) in enumerate(chain, 1):
            self.files[ds].append(
                _entity(
                    f"ae-own-{n}",
                    "Ownership",
                    owner=owner.records[ds],
                    asset=company,
                    percentage=share,
                    startDate="2023-01-10",
                )
            )
        for n, (nominee, boss) in enumerate(zip(nominees, bosses, strict=True), 1):
            self.files[ds].append(
                _entity(
                    f"ae-rep-{n}",
                    "Representation",
                    agent=nominee.records[ds],
                    client=boss.records[ds],
                    role="Power of attorney",
                )
            )

    def rotterdam(self) -> None:
        ds = "nl-politie-rotterdam"
        crew = self.by_role("transport")
        ids = [self.record(ds, "nl-p", p, name=self.dutch(p), birthDate=p.birth_date) for p in crew]
        self.files[ds].append(
            _entity(
                "nl-v-1",
                "Vessel",
                name="MSC Aurora Bay",
                flag="pa",
                imoNumber="IMO9398443",
                type="Reefer",
            )
        )
        self.files[ds].append(
            _entity(
                "nl-seizure-1",
                "Seizure",
                name="Inbeslagname Rotterdam Maasvlakte",
                date="2025-08-21",
                country="nl",
                place="Maasvlakte II, Rotterdam",
                drug="cocaine",
                quantityKg="2100",
                estimatedValue="157500000",
                currency="EUR",
                seizingAgency="NL-POLITIE",
                involved=[*ids, "nl-v-1"],
            )
        )

    def build(self) -> DemoCase:
        for step in (
            self.wiretaps,
            self.seizures,
            self.transfers,
            self.targets,
            self.extraditions,
            self.registry,
            self.rotterdam,
        ):
            step()
        files = [
            DemoFile(ds, AGENCY_OF[ds], MARKINGS[ds], entities)
            for ds, entities in self.files.items()
        ]
        truth = {
            "leaders": [p.key for p in self.by_role("boss")],
            "people": {
                p.key: {
                    "name": self.colombian(p),
                    "role": p.role,
                    "residence": p.residence,
                    "records": dict(sorted(p.records.items())),
                }
                for p in self.people
            },
            "clusters": [sorted(p.records.values()) for p in self.people if len(p.records) > 1],
        }
        return DemoCase(files, truth)


def generate_case(seed: int = 7) -> DemoCase:
    """The synthetic case for ``seed``: partner files (FtM entities) and ground truth."""
    return _Case(seed).build()
