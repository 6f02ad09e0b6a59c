"""The followthemoney model, extended with cupula's schemata.

followthemoney keeps one process-wide model (``Model.instance()``) that its proxies,
statements, graph and exporters all consult. Our schemata must live in that same
instance, or FtM's edges, captions and exports would not know them; so we load our
YAML files into it once and regenerate it (FtM's ``generate`` is re-entrant).
"""

from __future__ import annotations

import threading
from pathlib import Path

from followthemoney.model import Model
from followthemoney.schema import Schema

SCHEMA_DIR = Path(__file__).parent / "schema"
CUPULA_SCHEMATA = (
    "Tie",
    "Communication",
    "Contact",
    "Seizure",
    "Extradition",
    "InformationRequest",
)

_loaded = False
# A server's first requests arrive on several threads at once: one of them loads and
# generates the model while the others wait (generating while another thread reads the
# schemata fails with "dictionary changed size during iteration").
_loading = threading.Lock()


def get_model() -> Model:
    """Return followthemoney's model with cupula's schemata loaded into it."""
    global _loaded
    model = Model.instance()
    if not _loaded:
        with _loading:
            if not _loaded:
                for path in sorted(SCHEMA_DIR.glob("*.yaml")):
                    model._load(str(path))
                model.generate()
                _loaded = True
    return model


def get_schema(name: str) -> Schema | None:
    """The schema called ``name``, or None."""
    return get_model().get(name)
