"""``cupula audit``: read and check the audit log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cupula.access import audit as audit_log
from cupula.cli.app import app
from cupula.cli.safe import shown
from cupula.cli.session import session

audit_cli = typer.Typer(help="Who read or wrote what, when and why.", no_args_is_help=True)
app.add_typer(audit_cli, name="audit")
out = Console()


@audit_cli.command("verify")
def verify(
    ctx: typer.Context,
    head: Annotated[
        str | None,
        typer.Option(help="A head kept outside (SEQ:HASH from `cupula audit head`)."),
    ] = None,
) -> None:
    """Check the hash chain; exit 1 and name the first bad entry if it was tampered with."""
    with session(ctx, "audit verify", {"head": head}) as s:
        result = audit_log.verify(s.store, expected_head=head)
    out.print(str(result), highlight=False)
    if not result.ok:
        raise typer.Exit(1)


@audit_cli.command("head")
def head(ctx: typer.Context) -> None:
    """Print SEQ:HASH of the last entry, to keep outside the database."""
    with session(ctx, "audit head", {}) as s:
        value = audit_log.head(s.store)
    print(value)


@audit_cli.command("show")
def show(
    ctx: typer.Context,
    originator: Annotated[
        str | None, typer.Option(help="Only reads that returned this agency's data.")
    ] = None,
    last: Annotated[int, typer.Option(help="How many entries, newest last.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who read what, when, why, and how many statements it returned.

    An agency sees the reads of its own data (`--originator` is then its own id), and of
    each only its own statements; another user's query and purpose are withheld.
    Supervisors and administrators see everything.
    """
    with session(ctx, "audit show", {"originator": originator}) as s:
        entries = audit_log.entries_for(s.viewer, s.store, originator=originator)[-last:]
    if as_json:
        print(json.dumps([e.__dict__ for e in entries], indent=2, ensure_ascii=False))
        return
    table = Table("seq", "when", "who", "agency", "action", "purpose", "statements", "from")
    for e in entries:
        table.add_row(
            str(e.seq),
            e.at,
            shown(e.user),
            shown(e.agency),
            shown(e.action),
            shown("withheld", "dim") if "purpose" in e.withheld else shown(e.purpose or ""),
            str(e.statements),
            ", ".join(f"{k} {v}" for k, v in e.originators.items()),
        )
    out.print(table)
    if any(e.withheld for e in entries):
        out.print(
            "[dim]statements and from: your agency's only; another user's query and purpose "
            "are withheld (a supervisor sees every entry whole).[/dim]"
        )
