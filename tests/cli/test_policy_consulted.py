"""Every command reads and writes through the policy (issue 13, item 13).

With ``policy.decide`` replaced by one that denies everything, no command run by an
analyst may print (or write to a file) any name or entity id of the store: a command that
read the tables itself, or a view that did not ask the policy, would. Every command of the
CLI is listed here, so a new one cannot be added without saying how it is covered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.main import get_group
from typer.testing import CliRunner

from cupula.cli.main import app
from cupula.demo.run import run_demo
from tests.conftest import deny_everything, names_and_ids

runner = CliRunner()
ANALYST = "luis.sepblac"
BOSS = "es-p-0004"  # a demo record the analyst may normally see
# command -> its arguments (run as the analyst), or why it needs no such check here
COMMANDS: dict[str, list[str] | str] = {
    "init": "creates or upgrades the schema; reads no fact",
    "demo": "builds a new store of its own",
    "serve": "tests/api/test_policy_consulted.py runs every route the same way",
    "eval leaders": "scratch stores of public data, as the local administrator",
    "eval money": "scratch stores of public data, as the local administrator",
    "eval resolve": "scratch stores of public data, as the local administrator",
    "admin agency add": "tests/access/test_accounts.py: every change asks may_administer",
    "admin agency list": "agency ids and countries are not marked facts",
    "admin reindex": "tests/store/test_indexes.py: asks may_administer; rebuilds, shows no fact",
    "admin user add": "tests/access/test_accounts.py: every change asks may_administer",
    "admin user list": "tests/access/test_accounts.py: every change asks may_administer",
    "admin user password": "tests/access/test_accounts.py: every change asks may_administer",
    "admin user disable": "tests/access/test_accounts.py: every change asks may_administer",
    "admin user token": "tests/access/test_accounts.py: every change asks may_administer",
    "audit verify": "hashes of the chain only; tests/access/test_audit_disclosure.py",
    "audit head": "hashes of the chain only; tests/access/test_audit_disclosure.py",
    "audit show": "tests/access/test_audit_disclosure.py: audit.shown_to decides",
    "leaders": ["leaders", "--json"],
    "keyplayers": ["keyplayers", "--json"],
    "stats": ["stats", "--json"],
    "show": ["show", BOSS],
    "export": ["export", "--format", "statements"],
    "trace": ["trace", BOSS, "--json"],
    "owners": ["owners", "ae-c-002"],
    "alerts": ["alerts", "--json"],
    "resolve": ["resolve"],
    "clusters": ["clusters", "--json"],
    "merged": ["merged", BOSS],
    "review": ["review"],
    "judge": ["judge", BOSS, "co-w-0001", "same"],
    "judgements": ["judgements", "--json"],
    "screen": ["screen", "{names}"],
    "ingest": [
        "ingest",
        "{plant}",
        "--dataset",
        "es-plant",
        "--agency",
        "ES-SEPBLAC",
        "--marking",
        "RESTRICTED",
    ],
    "report leaders": ["report", "leaders", "-o", "{out}"],
    "report money": ["report", "money", BOSS, "-o", "{out}"],
}


def command_names() -> set[str]:
    names: set[str] = set()

    def walk(command: object, prefix: tuple[str, ...]) -> None:
        subs = getattr(command, "commands", None)
        if subs is None:
            names.add(" ".join(prefix))
            return
        for name, sub in subs.items():
            walk(sub, (*prefix, name))

    walk(get_group(app), ())
    return names


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, set[str]]:
    """The demo store and what must never come out: every name and entity id in it."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    store = run_demo(db, console=Console(quiet=True))
    secrets = names_and_ids(store)
    store.close()
    return db, secrets


def run(db: str, args: list[str]) -> str:
    result = runner.invoke(app, ["--db", db, "--as", ANALYST, "--purpose", "tests", *args],
                           input="q\n")  # fmt: skip
    return result.output


def test_every_command_is_covered() -> None:
    assert command_names() == set(COMMANDS), "say how each command is held to the policy"


def test_the_check_sees_a_leak_when_the_policy_allows(demo: tuple[str, set[str]]) -> None:
    db, secrets = demo
    shown = run(db, ["show", BOSS])
    assert any(s in shown for s in secrets - {BOSS})  # without the denial: names come out


@pytest.mark.parametrize("name", sorted(k for k, v in COMMANDS.items() if isinstance(v, list)))
def test_nothing_comes_out_when_the_policy_denies_everything(
    name: str, demo: tuple[str, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, secrets = demo
    deny_everything(monkeypatch)
    plant = tmp_path / "plant.jsonl"
    plant.write_text('{"id": "es-x-1", "schema": "Person", "properties": {"name": ["X"]}}\n')
    names = tmp_path / "names.csv"
    names.write_text("name\nJoaquin Guzman Loera\n")
    out = tmp_path / "out.html"
    spec = COMMANDS[name]
    assert isinstance(spec, list)
    args = [a.format(plant=plant, names=names, out=out) for a in spec]
    text = run(db, args)
    if out.exists():
        text += out.read_text(encoding="utf-8")
    leaked = sorted(s for s in secrets - set(args) if s in text)
    assert not leaked, f"{name} gave out {leaked[:5]} without the policy's leave"
