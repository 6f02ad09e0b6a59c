"""``cupula admin``: agencies, users and API tokens.

The commands are thin: each passes its session's viewer to ``access.accounts``, which asks
the policy (administrators only; a user may set its own password)."""

from __future__ import annotations

import enum
import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cupula.access import accounts
from cupula.access.viewer import Role
from cupula.cli.app import app
from cupula.cli.session import session
from cupula.errors import InvalidInput
from cupula.model.marking import Classification

admin = typer.Typer(
    help="Manage agencies, users and API tokens (administrators; a user may set its own password).",
    no_args_is_help=True,
)
agency_cli = typer.Typer(help="Partner agencies.", no_args_is_help=True)
user_cli = typer.Typer(help="Users: agency, clearance, roles, cases.", no_args_is_help=True)
admin.add_typer(agency_cli, name="agency")
admin.add_typer(user_cli, name="user")
app.add_typer(admin, name="admin")
out = Console()


class ClearanceName(enum.StrEnum):
    """Classification names as the command line takes them (Classification is an int)."""

    UNCLASSIFIED = Classification.UNCLASSIFIED.name
    RESTRICTED = Classification.RESTRICTED.name
    CONFIDENTIAL = Classification.CONFIDENTIAL.name
    SECRET = Classification.SECRET.name


@agency_cli.command("add")
def agency_add(
    ctx: typer.Context,
    agency_id: Annotated[str, typer.Argument(help="Agency id, e.g. CO-DIJIN.")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-3 country, e.g. COL.")],
    name: Annotated[str, typer.Option(help="Full name.")],
) -> None:
    """Register a partner agency."""
    with session(ctx, "admin agency add", {"agency": agency_id}) as s:
        agency = accounts.add_agency(s.store, s.viewer, agency_id, country, name)
    out.print(f"agency {agency.id} ({agency.country}) added")


@agency_cli.command("list")
def agency_list(ctx: typer.Context) -> None:
    """List the partner agencies."""
    with session(ctx, "admin agency list", {}) as s:
        agencies = accounts.list_agencies(s.store)
    table = Table("id", "country", "name")
    for agency in agencies:
        table.add_row(agency.id, agency.country, agency.name)
    out.print(table)


@user_cli.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name, e.g. ana.gomez.")],
    agency: Annotated[str, typer.Option(help="The user's agency id.")],
    clearance: Annotated[
        ClearanceName, typer.Option(help="Highest classification the user may see.")
    ] = ClearanceName.RESTRICTED,
    role: Annotated[list[Role] | None, typer.Option(help="Role (repeatable).")] = None,
    case: Annotated[list[str] | None, typer.Option(help="Need-to-know case (repeatable).")] = None,
    expires: Annotated[str | None, typer.Option(help="Account end (ISO date).")] = None,
    password: Annotated[bool, typer.Option(help="Ask for a password (for the web login).")] = False,
) -> None:
    """Add a user at an agency with a clearance and roles."""
    secret = getpass.getpass("password: ") if password else None
    with session(ctx, "admin user add", {"user": name, "agency": agency}) as s:
        user = accounts.add_user(
            s.store,
            s.viewer,
            name,
            agency,
            Classification[clearance.value],
            frozenset(role or [Role.ANALYST]),
            cases=frozenset(case or []),
            password=secret,
            expires=expires,
        )
    out.print(f"user {user.name} added at {user.agency}, cleared {user.clearance.name}")


@user_cli.command("list")
def user_list(ctx: typer.Context) -> None:
    """List users with their agency, clearance, roles and state."""
    with session(ctx, "admin user list", {}) as s:
        users = accounts.list_users(s.store, s.viewer)
    table = Table("name", "agency", "clearance", "roles", "cases", "state")
    for u in users:
        state = "disabled" if u.disabled else (f"until {u.expires}" if u.expires else "active")
        table.add_row(
            u.name,
            u.agency,
            u.clearance.name,
            ",".join(sorted(u.roles)),
            ",".join(sorted(u.cases)),
            state,
        )
    out.print(table)


@user_cli.command("password")
def user_password(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="User whose password to set.")]
) -> None:
    """Set or reset a user's password for the web login (asked twice, never echoed); the
    user's login sessions end."""
    secret = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != secret:
        raise InvalidInput("the two passwords differ; nothing changed")
    with session(ctx, "admin user password", {"user": name}) as s:
        accounts.set_password(s.store, s.viewer, name, secret)
    out.print(f"password of {name} set")


@user_cli.command("disable")
def user_disable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="User to disable.")]
) -> None:
    """Disable a user: its login sessions end and its API tokens are revoked."""
    with session(ctx, "admin user disable", {"user": name}) as s:
        accounts.disable_user(s.store, s.viewer, name)
    out.print(f"user {name} disabled")


@user_cli.command("token")
def user_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    expires: Annotated[str | None, typer.Option(help="Token end (ISO date).")] = None,
) -> None:
    """Create an API token for a user; it is shown once, and stored only as a hash."""
    with session(ctx, "admin user token", {"user": name}) as s:
        token = accounts.create_token(s.store, s.viewer, name, expires=expires)
    print(token)


@admin.command("reindex")
def reindex_command(ctx: typer.Context) -> None:
    """Rebuild the read indexes (ties and name keys) from the statements: once, for a
    store loaded before they existed (migration 0006); loads keep them after that."""
    from cupula.access.policy import may_administer
    from cupula.errors import Refused
    from cupula.store.indexes import reindex

    with session(ctx, "admin reindex", {}) as s:
        decision = may_administer(s.viewer)
        if not decision:
            raise Refused(f"cannot reindex: {'; '.join(decision.reasons)}")
        edges, keys = reindex(s.store.engine)
    out.print(f"read indexes rebuilt: {edges:,} tie rows, {keys:,} name-key rows")
