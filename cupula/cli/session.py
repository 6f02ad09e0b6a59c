"""One command's session: the store, who is acting, why, and its audit entry.

Every command opens a session. It resolves the acting user (``--as``/``CUPULA_USER``;
without it, the local administrator), reads only through that user's views, maps errors
to one-line messages and exit codes in one place, and appends the audit entry (also
when the command was refused or failed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from cupula.access.accounts import AccountError, viewer_for
from cupula.access.reading import Reading
from cupula.access.viewer import Viewer
from cupula.errors import CupulaError, Refused
from cupula.ingest import IngestError
from cupula.model.marking import MarkingError
from cupula.resolve.screening import ListError
from cupula.store import Store
from cupula.store.view import PurposeRequired

err = Console(stderr=True)

# cupula's own error types -> (exit status, hint printed under the message); the first
# match wins, so subclasses come first. Any other exception is a bug: Python's traceback.
ERRORS: dict[type[BaseException], tuple[int, str | None]] = {
    ListError: (2, "nothing was screened."),
    IngestError: (2, "nothing was loaded; the store is as it was."),
    MarkingError: (2, "nothing was loaded; the store is as it was."),
    PurposeRequired: (2, None),
    AccountError: (3, None),
    Refused: (3, None),
    CupulaError: (2, None),  # InvalidInput, NotFound, NotReady (no resolution run), RateError
}


Session = Reading  # what one command read and wrote (cupula.access.reading)


def fail(message: str, status: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(status)


@contextmanager
def session(ctx: typer.Context, action: str, query: dict[str, Any]) -> Iterator[Session]:
    try:
        store = Store.open(ctx.obj["db"])
    except Exception as exc:
        raise fail(f"cannot open the store: {exc}") from None
    outcome = "ok"
    current: Session | None = None
    try:
        name = ctx.obj.get("user")
        viewer = viewer_for(store, name) if name else Viewer.local_admin()
        current = Session(store, viewer, ctx.obj.get("purpose"))
        yield current
    except tuple(ERRORS) as exc:
        status, hint = next(v for t, v in ERRORS.items() if isinstance(exc, t))
        outcome = f"refused: {exc}"
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        if hint:
            err.print(hint, style="dim")
        raise typer.Exit(status) from None
    except typer.Exit as exc:
        outcome = f"exit {exc.exit_code}"
        raise
    except Exception:
        outcome = "failed: internal error"  # a bug; its message is not for the audit log
        raise
    finally:
        if current is not None:
            current.record(action, {**query, "outcome": outcome})
        store.close()
