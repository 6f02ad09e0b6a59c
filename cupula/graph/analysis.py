"""The network an analysis starts from: a viewer's view, cut to kinds and a window."""

from __future__ import annotations

from collections.abc import Sequence

from cupula.errors import InvalidInput
from cupula.graph.network import KINDS
from cupula.graph.projection import project
from cupula.graph.temporal import Cut, Window, restrict
from cupula.store.view import View


def network_of(
    view: View, *, window: Window | None = None, kinds: Sequence[str] | None = None
) -> Cut:
    """Project ``view``, keep the tie ``kinds`` asked for, cut to ``window``."""
    net = project(view)
    if kinds:
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise InvalidInput(
                f"unknown tie kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}"
            )
        net = net.of_kinds(kinds)
    return restrict(net, window or Window())
