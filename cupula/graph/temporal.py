"""Cut a network to a phase or a date range, keeping the history before it.

``restrict`` answers "what did the network look like then": the ties of one phase, or
the ties dated up to a day (``as_of``) or within a range (``between``). Ties are compared
on ISO date prefixes, so a tie dated "2025-03" falls within March 2025. Undated ties
cannot be placed in time: they are dropped from a dated cut and counted
(``Cut.undated``) so the analyst knows.

The network returned carries ``history``: every tie up to the end of the cut, so that
persistence across phases can be judged from the past, never from the future.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cupula.graph.network import Event, Network, phase_key


@dataclass(frozen=True)
class Window:
    phase: str | None = None
    as_of: str | None = None
    between: tuple[str, str] | None = None

    def __bool__(self) -> bool:
        return bool(self.phase or self.as_of or self.between)

    def describe(self) -> str:
        if self.phase:
            return f"phase {self.phase}"
        if self.as_of:
            return f"as of {self.as_of}"
        if self.between:
            return f"between {self.between[0]} and {self.between[1]}"
        return "all time"


@dataclass(frozen=True)
class Cut:
    network: Network
    undated: int  # ties dropped because they carry no date (or no phase)


def _in_dates(date: str | None, start: str | None, end: str) -> bool:
    if date is None:
        return False
    if start is not None and date[: len(start)] < start[: len(date)]:
        return False
    return date[: len(end)] <= end


def restrict(net: Network, window: Window) -> Cut:
    if not window:
        return Cut(net, 0)
    if window.phase is not None:
        if window.phase not in net.phases:
            known = ", ".join(net.phases) or "none"
            raise ValueError(f"no ties in phase {window.phase!r} (phases: {known})")
        last = phase_key(window.phase)
        now = np.array([p == window.phase for p in net.phase], dtype=bool)
        past = np.array([p is not None and phase_key(p) <= last for p in net.phase], dtype=bool)
        undated = sum(p is None for p in net.phase)

        def now_event(e: Event) -> bool:
            return e.phase == window.phase

        def past_event(e: Event) -> bool:
            return e.phase is not None and phase_key(e.phase) <= last
    else:
        start, end = window.between if window.between else (None, str(window.as_of))
        now = np.array([_in_dates(d, start, end) for d in net.date], dtype=bool)
        past = np.array([_in_dates(d, None, end) for d in net.date], dtype=bool)
        undated = sum(d is None for d in net.date)

        def now_event(e: Event) -> bool:
            return _in_dates(e.date, start, end)

        def past_event(e: Event) -> bool:
            return _in_dates(e.date, None, end)

    history = replace(
        net.select(past),
        events=tuple(filter(past_event, net.events)),
        meetings=tuple(filter(past_event, net.meetings)),
    )
    cut = replace(
        net.select(now),
        events=tuple(filter(now_event, net.events)),
        meetings=tuple(filter(now_event, net.meetings)),
        history=history,
    )
    return Cut(cut, undated)
