"""``cupula eval money``: typologies on AMLSim, and traces on a generated layering case.

AMLSim (``aml_amlsim_small``): 10,333 simulated transactions among 100 accounts, 51 of
them laundering (three fan-in patterns). The file is loaded with ``ingest`` and a
followthemoney mapping (``data/amlsim_transactions.yml``); every typology is scored at
the transaction level (its alerts' transactions against the laundering ones) and at the
account level (the accounts its alerts centre on against the patterns' receivers).

Splink's payments (``er_splink``): each payment as the sending and the receiving system
recorded it; the two sides are matched (``money.matching``) and scored against the truth.

Layering: a seeded case where proceeds leave a source through chains of shell companies
(each passing money on within days, less a fee) and end with known holders; the trace
must put the known amounts where they ended.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from cupula.access.viewer import Viewer
from cupula.evaluation.scratch import register_agency
from cupula.evaluation.sources import dataset_dir
from cupula.ingest import ingest
from cupula.money.flows import flows_from_entities, flows_of
from cupula.money.matching import match_payments
from cupula.money.rates import Rates
from cupula.money.trace import TraceOptions, trace
from cupula.money.typologies import scan
from cupula.store import Store

MAPPING = Path(__file__).parent / "data" / "amlsim_transactions.yml"


@dataclass
class Score:
    alerts: int
    flagged: int
    precision: float
    recall: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "flagged": self.flagged,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def _score(flagged: set[str], truth: set[str], alerts: int) -> Score:
    hit = len(flagged & truth)
    return Score(
        alerts,
        len(flagged),
        hit / len(flagged) if flagged else 0.0,
        hit / len(truth) if truth else 0.0,
    )


def amlsim(folder: Path) -> dict[str, Any]:
    with open(folder / "transactions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sar_tx = {r["tran_id"] for r in rows if r["is_sar"].lower() == "true"}
    sar_centres = {r["bene_acct"] for r in rows if r["is_sar"].lower() == "true"}
    with tempfile.TemporaryDirectory(prefix="cupula-eval-") as tmp:
        store = Store.open(str(Path(tmp) / "eval.db"))
        try:
            ingest(
                store,
                folder / "transactions.csv",
                by=register_agency(store, "US-FINCEN"),
                dataset="amlsim",
                agency="US-FINCEN",
                marking="UNCLASSIFIED H0",
                mapping=MAPPING,
            )
            view = store.view(Viewer.local_admin())
            entities = list(view.entities())
        finally:
            store.close()
    number = {e.id: e.first("transactionNumber") for e in entities if e.schema.is_a("Payment")}
    account = {e.id: e.first("name") for e in entities if e.schema.is_a("LegalEntity")}
    flows = flows_from_entities(entities, Rates.load())
    alerts = scan(flows)
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for alert in alerts:
        by_kind[alert.typology].append(alert)
    out: dict[str, Any] = {
        "transactions": len(flows.transfers),
        "laundering_transactions": len(sar_tx),
        "laundering_receivers": sorted(sar_centres, key=int),
        "typologies": {},
    }
    for kind, found in sorted(by_kind.items()):
        tx = {str(number[t]) for a in found for t in a.transfers if t in number}
        holders = {str(account.get(a.holder, a.holder)) for a in found}
        out["typologies"][kind] = {
            "transactions": _score(tx, sar_tx, len(found)).as_dict(),
            "accounts": _score(holders, sar_centres, len(found)).as_dict(),
        }
    return out


def layering_case(
    seed: int = 11, sources: int = 3, chains: int = 4
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """FtM entities of a layering case and, per source, the amounts each holder ends with."""
    rng = random.Random(seed)
    entities: list[dict[str, Any]] = []
    truth: dict[str, dict[str, float]] = {}
    havens = ["vg", "ae", "pa", "ky"]

    def party(pid: str, schema: str, country: str) -> None:
        prop = "jurisdiction" if schema == "Company" else "country"
        entities.append(
            {"id": pid, "schema": schema, "properties": {"name": [pid], prop: [country]}}
        )

    n = 0
    for s in range(sources):
        src = f"src-{s}"
        party(src, "Person", "co")
        truth[src] = defaultdict(float)
        for c in range(chains):
            amount = float(rng.randint(50, 500) * 1000)
            when = 10 + 5 * c
            holder = src
            for hop in range(rng.randint(2, 4)):
                shell = f"shell-{s}-{c}-{hop}"
                party(shell, "Company", rng.choice(havens))
                n += 1
                entities.append(
                    {
                        "id": f"pay-{n}",
                        "schema": "Payment",
                        "properties": {
                            "payer": [holder],
                            "beneficiary": [shell],
                            "amount": [f"{amount:.2f}"],
                            "currency": ["USD"],
                            "date": [f"2025-01-{when:02d}"],
                        },
                    }
                )
                holder, amount, when = shell, round(amount * 0.98, 2), when + 1  # 2% fee
            truth[src][holder] += amount / 0.98  # the last shell keeps what it received
    return entities, {k: dict(v) for k, v in truth.items()}


def layering() -> dict[str, Any]:
    entities, truth = layering_case()
    with tempfile.TemporaryDirectory(prefix="cupula-eval-") as tmp:
        path = Path(tmp) / "layering.jsonl"
        path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
        store = Store.open(str(Path(tmp) / "eval.db"))
        try:
            by = register_agency(store, "CO-DIJIN")
            ingest(
                store, path, by=by, dataset="layering", agency="CO-DIJIN", marking="UNCLASSIFIED H0"
            )
            flows = flows_of(store.view(Viewer.local_admin()))
        finally:
            store.close()
    found = 0.0
    expected = 0.0
    for src, ends in truth.items():
        result = trace(flows, src, TraceOptions(max_hops=6))
        got = {d.entity_id: d.amount for d in result.destinations}
        for holder, amount in ends.items():
            expected += amount
            found += min(got.get(holder, 0.0), amount)
    return {
        "sources": len(truth),
        "expected_amount": round(expected, 2),
        "amount_found_at_the_right_holders": round(found, 2),
        "recall": round(found / expected, 4) if expected else 0.0,
    }


def splink_payments(folder: Path) -> dict[str, Any]:
    """Splink's 45,326 payments seen by the sending and the receiving system."""
    con = duckdb.connect()

    def side(name: str) -> pa.Table:
        query = """SELECT unique_id::VARCHAR AS id, amount, memo, ground_truth,
                          (transaction_date::DATE - DATE '1970-01-01')::INTEGER AS day
                   FROM read_parquet(?)"""
        return con.sql(query, params=[str(folder / name)]).to_arrow_table()

    sent, received = side("transactions_origin.parquet"), side("transactions_destination.parquet")
    con.close()
    truth_l = dict(zip(sent["id"].to_pylist(), sent["ground_truth"].to_pylist(), strict=True))
    truth_r = dict(
        zip(received["id"].to_pylist(), received["ground_truth"].to_pylist(), strict=True)
    )
    matches = match_payments(sent, received)
    right = sum(truth_l[m.sent] == truth_r[m.received] for m in matches)
    precision = right / len(matches) if matches else 0.0
    recall = right / len(truth_l)
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return {
        "payments": len(truth_l),
        "matched": len(matches),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def run(data: Path | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"layering": layering()}
    splink = dataset_dir("er_splink", data)
    if splink is not None and (splink / "transactions_origin.parquet").exists():
        out["splink_payments"] = splink_payments(splink)
    else:
        out.setdefault("skipped", {})["splink_payments"] = "no er_splink/ transactions"
    folder = dataset_dir("aml_amlsim_small", data)
    if folder is None:
        out.setdefault("skipped", {})["amlsim"] = "no aml_amlsim_small/ folder in the shared data"
    else:
        out["amlsim"] = amlsim(folder)
        out["source"] = str(folder)
    return out
