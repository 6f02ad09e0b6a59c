"""Where the public evaluation data lives.

``../shared/data`` (beside the project, or named by ``CUPULA_SHARED_DATA``) holds the
full collection; the package carries small copies of CAVIAR and Montagna (with their
SOURCE.md) so that the evaluation also runs from a fresh clone.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
BUNDLED = {
    "caviar": PACKAGE / "demo" / "data" / "caviar",
    "montagna": PACKAGE / "evaluation" / "data" / "montagna",
}
SHARED_ENV = "CUPULA_SHARED_DATA"


def shared_dirs() -> list[Path]:
    found = []
    if os.environ.get(SHARED_ENV):
        found.append(Path(os.environ[SHARED_ENV]))
    found += [Path.cwd().parent / "shared" / "data", PACKAGE.parent.parent / "shared" / "data"]
    return [p for p in found if p.is_dir()]


def dataset_dir(name: str, data: Path | None = None) -> Path | None:
    """The folder of dataset ``name``: in ``data`` if given, else shared, else bundled."""
    candidates = [data] if data is not None else shared_dirs()
    for base in candidates:
        if base is not None and (base / name).is_dir():
            return base / name
    if data is None and name in BUNDLED and BUNDLED[name].is_dir():
        return BUNDLED[name]
    return None
