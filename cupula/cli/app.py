"""The ``cupula`` app, its global options, and the commands that are not about data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cupula.cli.session import fail, session
from cupula.store.engine import DB_ENV, DEFAULT_DB

app = typer.Typer(
    name="cupula",
    help=(
        "Pool what partner agencies hold on a drug-trafficking organisation, with every "
        "fact marked (owner, classification, releasability, handling), and find who is "
        "at the top.\n\nStart with `cupula demo`, then `cupula ingest --help`."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help=f"Store: an SQLite file path or a postgresql:// URL [default: ./{DEFAULT_DB}].",
        show_default=False,
    ),
]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: DbOption = None,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="CUPULA_USER",
            help="Act as this user: every read shows only what the user may see "
            "[default: the local administrator, who sees everything].",
            show_default=False,
        ),
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            envvar="CUPULA_PURPOSE",
            help="Why you read (a case id or a reason); required for CONFIDENTIAL and up, "
            "and written to the audit log.",
        ),
    ] = None,
) -> None:
    ctx.obj = {"db": db, "user": as_user, "purpose": purpose}


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store (or bring an existing one up to date) and say where it is."""
    with session(ctx, "init", {}) as s:
        out.print(f"store ready: {s.store.url} ({s.store.backend})")


DEMO_DB = "cupula-demo.db"


@app.command()
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic case generator.")] = 7,
    truth: Annotated[
        Path | None, typer.Option(help="Write the synthetic case's ground truth (JSON) here.")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store to build: an SQLite file path or a postgresql:// URL [default: the "
            "global --db, else ./cupula-demo.db].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build a demo store: the CAVIAR wiretap network and a synthetic five-agency case.

    The store is `--db` (here or before the command; or `CUPULA_DB`) when given, else
    `./cupula-demo.db`: `cupula demo --db demo.db`, `cupula demo --db postgresql://…`.
    An SQLite file is rebuilt on each run, but only if it
    holds nothing but an earlier demo; a PostgreSQL database must be empty. Everything
    is loaded through the same `ingest` an analyst uses, then summarised.
    """
    from cupula.demo.run import DemoRefused, run_demo

    db = db or ctx.obj.get("db") or DEMO_DB
    try:
        run_demo(db, seed=seed, console=out, truth_path=truth).close()
    except DemoRefused as exc:
        raise fail(str(exc)) from None


def main() -> None:
    app()
