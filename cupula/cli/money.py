"""Commands that follow the money a user may see: trace, owners, alerts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cupula.cli.analysis import DatasetOption, JsonOption, UnmergedOption, fusion_of
from cupula.cli.app import app
from cupula.cli.safe import shown
from cupula.cli.session import Session, session
from cupula.errors import InvalidInput, NotFound
from cupula.graph.fusion import Fusion
from cupula.money.flows import Flows, flows_of, trace_sources
from cupula.money.fusion import fuse_flows, fuse_ownership
from cupula.money.ownership import owners, ownership_of
from cupula.money.rates import Rates
from cupula.money.trace import Rule, TraceOptions, TraceResult, trace_many
from cupula.money.typologies import TYPOLOGIES, TypologyOptions, scan
from cupula.store import View

out = Console()
err = Console(stderr=True)


BackwardOption = Annotated[
    bool, typer.Option(help="Where the money came from, instead of where it went.")
]
RuleOption = Annotated[
    Rule, typer.Option(help="Which money a payment takes: oldest first, or a share of each.")
]
MaxHopsOption = Annotated[int, typer.Option(help="Transfers followed at most.")]
MaxGapOption = Annotated[
    int | None,
    typer.Option(help="Stop following money that sat still longer than this (days)."),
]


def run_trace(
    s: Session,
    entity_id: str,
    dataset: list[str] | None,
    options: TraceOptions,
    rates: Rates,
    apart: bool = False,
) -> tuple[View, Flows, TraceResult, Fusion]:
    """Trace from ``entity_id`` through what the user may see, each person one holder
    (unless ``apart``); a seizure is traced from the parties it names as involved."""
    fusion = fusion_of(s, dataset, apart)
    view = s.view(dataset)
    flows = fuse_flows(flows_of(view, rates), fusion)
    sources = trace_sources(view, entity_id)
    if sources != [entity_id]:
        err.print(f"seizure: tracing the {len(sources)} parties involved", style="dim")
    sources = sorted({fusion.canonical(x) for x in sources})
    return view, flows, trace_many(flows, sources, options), fusion


def no_payments(entity_id: str, backward: bool) -> NotFound:
    return NotFound(f"no payments {'to' if backward else 'from'} {entity_id!r} that you may see")


@app.command(name="trace")
def trace_command(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Person, company, account or seizure id.")],
    backward: BackwardOption = False,
    rule: RuleOption = Rule.FIFO,
    max_hops: MaxHopsOption = 6,
    max_gap_days: MaxGapOption = 180,
    strict_dates: Annotated[
        bool, typer.Option(help="Money received on a day may leave only on a later day.")
    ] = False,
    currency: Annotated[str, typer.Option(help="Currency to report amounts in.")] = "USD",
    rates: Annotated[
        Path | None,
        typer.Option(help="Exchange-rate table (date,currency,per_usd) [default: the package's]."),
    ] = None,
    dataset: DatasetOption = None,
    paths: Annotated[int, typer.Option(help="Evidence paths listed.")] = 10,
    apart: UnmergedOption = False,
    as_json: JsonOption = False,
) -> None:
    """Follow money forward from ENTITY_ID (or backward to it) through the payments you
    may see: only time-respecting paths, amounts never growing, by the allocation rule.

    Prints where the money ends up, by holder and by jurisdiction (secrecy jurisdictions
    flagged), and the transfers behind the largest amounts. A person's records are one
    holder (its `members`), from your latest `cupula resolve`, unless --unmerged.
    """
    query = {"entity_id": entity_id, "backward": backward, "rule": str(rule),
             "unmerged": apart}  # fmt: skip
    with session(ctx, "trace", query) as s:
        options = TraceOptions(
            backward=backward,
            rule=rule,
            max_hops=max_hops,
            max_gap_days=max_gap_days,
            same_day=not strict_dates,
            paths=paths,
        )
        _, flows, result, fusion = run_trace(
            s, entity_id, dataset, options, Rates.load(rates, base=currency), apart
        )
        if as_json:
            data = result.as_dict()
            for holder in data["destinations"]:
                holder["members"] = fusion.members_of(holder["entity_id"])
            print(json.dumps({**data, "fusion": fusion.note.as_dict()}, indent=2,
                             ensure_ascii=False))  # fmt: skip
            return
        if result.total == 0:
            raise no_payments(entity_id, backward)
        verb = "came from" if backward else "went"
        title = f"Where {result.total:,.0f} {result.currency} {verb} ({rule}, ≤ {max_hops} hops)"
        holders = Table(title=title, title_justify="left")
        for col in ("holder", "amount", "share", "country", "flag"):
            holders.add_column(col, justify="right" if col in ("amount", "share") else "left")
        for d in result.destinations:
            records = len(fusion.members_of(d.entity_id))
            holders.add_row(
                shown(
                    f"{d.name} ({d.entity_id}" + (f", {records} records)" if records > 1 else ")")
                ),
                f"{d.amount:,.0f}",
                f"{d.amount / result.total:.0%}",
                ", ".join(d.countries) or "?",
                "; ".join(d.secrecy),
            )
        out.print(holders)
        out.print(
            "by jurisdiction: " + ", ".join(f"{c} {a:,.0f}" for c, a in result.by_country.items())
        )
        for p in result.paths[:paths]:
            hops = " → ".join([p.transfers[0].payer] + [t.beneficiary for t in p.transfers])
            dates = ", ".join(t.date for t in p.transfers)
            out.print(f"  {p.amount:,.0f}: {hops}  [{dates}]", highlight=False)
        if flows.skipped:
            err.print(
                f"{len(flows.skipped)} payments not traced (without amount or date, or "
                "between records of one person)."
            )


@app.command(name="owners")
def owners_command(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Company or asset id.")],
    threshold: Annotated[
        float, typer.Option(help="Beneficial ownership threshold (share, 0–1).")
    ] = 0.25,
    dataset: DatasetOption = None,
    apart: UnmergedOption = False,
    as_json: JsonOption = False,
) -> None:
    """Who really owns ENTITY_ID: effective shares through chains of companies (shares
    multiplied along each chain, summed over chains), control (majority at every link, or
    a directorship), ultimate beneficial owners, and secrecy jurisdictions on the way."""
    with session(ctx, "owners", {"entity_id": entity_id, "unmerged": apart}) as s:
        if not 0 < threshold <= 1:
            raise InvalidInput("--threshold is a share between 0 and 1, e.g. 0.25")
        fusion = fusion_of(s, dataset, apart)
        graph = fuse_ownership(ownership_of(s.view(dataset)), fusion)
        result = owners(graph, fusion.canonical(entity_id), threshold=threshold)
        if as_json:
            data = result.as_dict()
            for owner in data.get("owners", []):
                owner["members"] = fusion.members_of(owner["entity_id"])
            print(json.dumps({**data, "fusion": fusion.note.as_dict()}, indent=2,
                             ensure_ascii=False))  # fmt: skip
            return
        if not result.owners:
            raise NotFound(f"no owners or directors of {entity_id!r} that you may see")
        table = Table(title=f"Owners of {entity_id}", title_justify="left")
        for col in ("owner", "effective share", "controls", "chains", "secrecy"):
            table.add_column(col)
        beneficial = {o.entity_id for o in result.beneficial}
        for o in result.owners:
            name = f"{o.name} ({o.entity_id})" + ("  [UBO]" if o.entity_id in beneficial else "")
            share = f"{o.effective:.1%}" + (" + unknown" if o.unknown else "")
            chains = "\n".join(" → ".join(c.entities) for c in o.chains[:3])
            table.add_row(
                shown(name), share, "yes" if o.controls else "", shown(chains),
                "; ".join(o.secrecy.values()),
            )  # fmt: skip
        out.print(table)


@app.command(name="alerts")
def alerts_command(
    ctx: typer.Context,
    typology: Annotated[
        list[str] | None,
        typer.Option(help="Only these (repeat): " + ", ".join(TYPOLOGIES) + "."),
    ] = None,
    fan: Annotated[int, typer.Option(help="Counterparties that make a fan-in/out.")] = 5,
    window_days: Annotated[int, typer.Option(help="Window for fans and cycles (days).")] = 30,
    min_amount: Annotated[
        float, typer.Option(help="Ignore transfers below this amount (base currency).")
    ] = 0.0,
    currency: Annotated[str, typer.Option(help="Currency to report amounts in.")] = "USD",
    dataset: DatasetOption = None,
    top: Annotated[int, typer.Option(help="Alerts listed per typology.")] = 10,
    apart: UnmergedOption = False,
    as_json: JsonOption = False,
) -> None:
    """Scan the payments you may see for laundering typologies — fan-in and fan-out
    (smurfing), the same amount from many payers (structuring), pass-through accounts,
    round-tripping cycles — each alert with its transactions."""
    query = {"typology": typology, "datasets": dataset, "unmerged": apart}
    with session(ctx, "alerts", query) as s:
        fusion = fusion_of(s, dataset, apart)
        flows = fuse_flows(flows_of(s.view(dataset), Rates.load(base=currency)), fusion)
        options = TypologyOptions(fan=fan, window_days=window_days, min_amount=min_amount)
        found = scan(flows, options)
        if typology:
            unknown = set(typology) - set(TYPOLOGIES)
            if unknown:
                raise InvalidInput(f"unknown typology {', '.join(sorted(unknown))}")
            found = [a for a in found if a.typology in typology]
        if as_json:
            entries = [{**a.as_dict(), "members": fusion.members_of(a.holder)} for a in found]
            print(json.dumps(entries, indent=2, ensure_ascii=False))
            return
        counts: dict[str, int] = {}
        for a in found:
            counts[a.typology] = counts.get(a.typology, 0) + 1
        out.print(
            f"{len(flows.transfers):,} transfers scanned: "
            + (", ".join(f"{n} {k}" for k, n in counts.items()) or "no alerts")
        )
        for kind in TYPOLOGIES:
            rows = sorted((a for a in found if a.typology == kind), key=lambda a: -a.amount)
            if not rows:
                continue
            table = Table(title=f"{kind} ({len(rows)})", title_justify="left")
            for col in ("holder", "amount", "what", "transactions"):
                table.add_column(col)
            for a in rows[:top]:
                name = flows.holder(a.holder).name
                ids = ", ".join(a.transfers[:4]) + (" …" if len(a.transfers) > 4 else "")
                table.add_row(shown(f"{name} ({a.holder})"), f"{a.amount:,.0f}", shown(a.summary),
                              shown(ids))  # fmt: skip
            out.print(table)
