"""Large synthetic FtM files, for benchmarks and crash tests (not for analysis)."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

FIRST = ["Ana", "Luis", "Carlos", "María", "José", "Diego", "Sofía", "Juan", "Lucía", "Pedro"]
LAST = ["Gómez", "Restrepo", "Ochoa", "Valencia", "Henao", "Muñoz", "Ríos", "Marín", "Mejía"]
COUNTRIES = ["co", "es", "us", "ae", "nl", "mx", "pa", "ve"]


def write_bulk_ftm(path: Path, statements: int, *, seed: int = 1) -> int:
    """Write people, companies and payments until about ``statements`` statements.

    Returns the number of statements written (each entity counts its values plus one
    for its existence, as the store counts them).
    """
    rng = random.Random(seed)
    written = 0
    n = 0
    with path.open("wb") as out:
        while written < statements:
            n += 1
            kind = n % 3
            if kind == 0:
                props = {
                    "name": [f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)} {n}"],
                    "birthDate": [
                        f"{rng.randint(1950, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                    ],
                    "nationality": [rng.choice(COUNTRIES)],
                    "idNumber": [str(rng.randint(10**7, 10**8))],
                    "alias": [f"El {rng.choice(LAST)} {n}"],
                }
                entity = {"id": f"bulk-p{n}", "schema": "Person", "properties": props}
            elif kind == 1:
                props = {
                    "name": [f"{rng.choice(LAST)} Trading {n} S.A."],
                    "jurisdiction": [rng.choice(COUNTRIES)],
                    "registrationNumber": [f"R{rng.randint(10**5, 10**6)}"],
                }
                entity = {"id": f"bulk-c{n}", "schema": "Company", "properties": props}
            else:
                props = {
                    "payer": [f"bulk-p{max(3, n - rng.randint(1, 30) * 3)}"],
                    "beneficiary": [f"bulk-c{max(1, n - 1)}"],
                    "amount": [str(rng.randint(1000, 900000))],
                    "currency": ["EUR"],
                    "date": [f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"],
                }
                entity = {"id": f"bulk-pay{n}", "schema": "Payment", "properties": props}
            out.write(orjson.dumps(entity) + b"\n")
            written += 1 + sum(len(v) for v in props.values())
    return written
