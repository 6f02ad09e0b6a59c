"""A progress bar on a terminal, silence in pipes, CI and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

Start = Callable[[int], None]
Advance = Callable[[int], None]


@contextmanager
def byte_progress(console: Console, description: str) -> Iterator[tuple[Start, Advance]]:
    """Yield (start(total_bytes), advance(n_bytes)) callbacks driving one bar."""
    if not console.is_terminal:
        yield (lambda _total: None), (lambda _n: None)
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(description, total=None)
    with bar:
        yield (
            lambda total: bar.update(task, total=total),
            lambda n: bar.advance(task, n),
        )
