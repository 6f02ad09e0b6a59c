"""The first page's "What you may see": the datasets and statement counts of the reader's
view, before any purpose is given.

Counting what may be CONFIDENTIAL or SECRET is a read that needs a stated purpose, so a
first visit counts the part of the view that needs none: the same viewer with its
clearance capped at RESTRICTED. That is a narrower view decided by the same policy (a
lower clearance never shows more), opened through the request's ``Reading`` so that its
counts go into the request's audit entry like any other read. Once a purpose is given the
page counts the whole view.
"""

from __future__ import annotations

from dataclasses import replace

from cupula.access.reading import Reading
from cupula.http import reads
from cupula.model.marking import Classification
from cupula.store.derived import Derived
from cupula.store.view import PurposeRequired


def what_you_may_see(ctx: Reading, cache: Derived) -> tuple[dict[str, int], bool]:
    """Statements by dataset, and whether they are all of them (False: only those below
    CONFIDENTIAL, until the reader says why it reads)."""
    try:
        return reads.dataset_counts(ctx.view(), cache), True
    except PurposeRequired:
        if ctx.viewer.unrestricted:  # no narrower view to offer
            raise
    capped = replace(ctx.viewer, clearance=min(ctx.viewer.clearance, Classification.RESTRICTED))
    view = ctx.store.view(capped, purpose=None)
    ctx.views.append(view)  # its counts are part of this request's audit entry
    return reads.dataset_counts(view, cache), False
