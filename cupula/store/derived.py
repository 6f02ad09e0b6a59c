"""Results derived from a view, kept while nothing they depend on changes.

A web request reads the same network or name index as the request before it; building
them again each time costs seconds on a large store. ``Derived.get`` reuses a result
only for a view with the same signature (exactly the same statements readable) and only
while the store's data version is unchanged. A reuse still makes every check a read
makes (the purpose), and counts the statements the result was built from in the view's
usage, so the audit entry says what it would have said had the result been rebuilt.

Whole-network results (the leader ranking, the key players) are not built on a request
in a server: ``Derived.result`` reads them from the database (``precompute.read_result``)
once ``stored`` is set; without it (tests, one-off uses) they are built here as above.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from cupula.store.usage import Usage
from cupula.store.view import View

T = TypeVar("T")


@dataclass(frozen=True)
class _Kept:
    value: Any
    usage: Usage  # what the build read, given again to every view that reuses it


class Derived:
    """A bounded cache of derived results, keyed by (name, view signature, data version)."""

    def __init__(self, version: Callable[[], tuple[int, int]], size: int = 64) -> None:
        self._version = version
        self._size = size
        self._kept: OrderedDict[tuple[str, str, tuple[int, int]], _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, str, tuple[int, int]], threading.Lock] = {}
        # (view, name) -> the stored result of that view (``precompute.Stored``: value,
        # computed_at, stale_since, progress); set by a server (http.state)
        self.stored: Callable[[View, str, str], Any] | None = None

    def result(
        self, view: View, name: str, build: Callable[[View], T], *, network: str = "apart"
    ) -> T:
        """A whole-network result on ``network`` (``graph.fusion.network_key``): the
        stored one where results are computed ahead (it may raise ``BeingComputed``), else
        ``get(view, name|network, build)``."""
        return self.result_aged(view, name, build, network=network)[0]

    def result_aged(
        self, view: View, name: str, build: Callable[[View], T], *, network: str = "apart"
    ) -> tuple[T, dict[str, str]]:
        """``result``, with its age when it is a stored one gone stale (``computed_at``,
        ``stale_since``, ``progress`` of the new one); empty when current."""
        if self.stored is None:
            return self.get(view, f"{name}|{network}", build), {}
        kept = self.stored(view, name, network)
        if kept.stale_since is None:
            return cast(T, kept.value), {}
        age = {"computed_at": kept.computed_at, "stale_since": kept.stale_since,
               "progress": kept.progress}  # fmt: skip
        return cast(T, kept.value), age

    def get(self, view: View, name: str, build: Callable[[View], T]) -> T:
        """``build(view)``, or the result kept from an equal view since the last change."""
        key = (name, view.checked_signature(), self._version())
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:  # one builder per key; the others wait for its result
                gate = self._building.setdefault(key, threading.Lock())
        if kept is None:
            with gate:
                with self._lock:
                    kept = self._kept.get(key)
                if kept is None:
                    with view.recorded() as used:
                        value = build(view)
                    kept = _Kept(value, used)
                    with self._lock:
                        self._kept[key] = kept
                        self._building.pop(key, None)
                        while len(self._kept) > self._size:
                            self._kept.popitem(last=False)
                    return value
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
        view.usage.merge(kept.usage)
        return cast(T, kept.value)
