"""The ``cupula`` command line: thin over the library.

The commands live in modules by subject; importing them registers them on the app.
"""

from cupula.cli import (  # noqa: F401  (registers the commands)
    admin,
    analysis,
    audit,
    data,
    evaluation,
    money,
    report,
    resolution,
    serve,
)
from cupula.cli.app import app, main

__all__ = ["app", "main"]
