"""The README's "Using it" block runs as written, in order, as on a fresh clone.

The block is taken from README.md itself, so the README cannot drift from what the
commands accept. It runs in a temporary folder laid out like a clone: ``.venv/bin/cupula``
(this checkout's code), ``docs/examples`` and ``../shared`` beside it. Every command
must exit 0; the first that does not fails the test with its output.

It takes a few minutes (``eval money`` alone about 100 s on 2 cores, ``eval resolve``
on the two sets the README names about a minute; all five sets would take several
minutes more, hence the README's ``--set``), so it is marked ``slow``: ``scripts/test.sh``
runs it, ``pytest -m "not slow"`` leaves it out.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SHARED

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"


def using_it_block(text: str) -> list[str]:
    """The commands of the first bash block under "## Using it", one per entry
    (continuation lines joined, comments and blank lines dropped)."""
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```bash\n(.*?)```", section, re.S)
    assert found, "no bash block under ## Using it"
    commands: list[str] = []
    pending = ""
    for line in found.group(1).splitlines():
        if pending:
            line = pending + " " + line.strip()
            pending = ""
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1].rstrip()
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line)
    assert not pending, "the block ends with a continuation"
    return commands


def test_the_block_is_read_whole() -> None:
    commands = using_it_block(README.read_text("utf-8"))
    assert commands[0].startswith(".venv/bin/cupula --help")
    assert any("--marking" in c and "ingest docs/examples/calls.csv" in c for c in commands)
    assert all(c.startswith(".venv/bin/cupula ") for c in commands)


def clone_like(folder: Path) -> Path:
    """A folder laid out like a fresh clone, with ``../shared`` beside it."""
    work = folder / "cupula"
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / "docs").symlink_to(ROOT / "docs")
    (folder / "shared").symlink_to(SHARED.parent)
    cupula = work / ".venv" / "bin" / "cupula"
    cupula.write_text(
        "#!/bin/sh\n"
        f"PYTHONPATH={shlex.quote(str(ROOT))} exec {shlex.quote(sys.executable)} "
        '-m cupula.cli "$@"\n'
    )
    cupula.chmod(0o755)
    return work


@pytest.mark.slow
def test_every_command_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is absent: the README loads the OFAC list from ../shared/data")
    work = clone_like(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUPULA_")}
    timings = []
    outputs: dict[str, str] = {}
    for command in using_it_block(README.read_text("utf-8")):
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        timings.append((round(time.monotonic() - started, 1), command[:70]))
        assert done.returncode == 0, (
            f"{command}\nexit {done.returncode}\n{done.stdout}{done.stderr}"
        )
        outputs[command.split("#")[0].strip()] = done.stdout
    print("\n".join(f"{s:7.1f} s  {c}" for s, c in timings))  # shown with -s or on failure
    # what the README says of them holds: luis (Spain) sees the OFAC list and the UAE
    # registry, not the DIJIN's wiretaps; the export for Spain carries no H2
    luis = next(v for k, v in outputs.items() if "--as luis" in k and "stats --json" in k)
    assert set(json.loads(luis)["datasets"]) == {"ofac", "ae-registry"}
    with (work / "for-spain.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["dataset"] for r in rows} == {"ofac", "ae-registry"}
    assert not any(" H2 " in r["marking"] for r in rows)
    assert (work / "network.gexf").stat().st_size > 0
