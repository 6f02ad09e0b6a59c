"""What the pages say about the fused network: the fusion note in the page's language,
and the toggle between one node per person and each partner's records apart
(``?unmerged=true``, as the API takes it)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from cupula.access.reading import Reading
from cupula.graph.fusion import FUSED, NEEDS_PURPOSE, STALE, UNMERGED, UNRESOLVED
from cupula.http.fused import Fused, fused_of
from cupula.store import View
from cupula.store.derived import Derived
from cupula.web.i18n import gettext, language, ngettext

YES = ("true", "1", "on", "yes")


def apart_asked(request: Request) -> bool:
    """Whether the page was asked to show records apart (``?unmerged=true``)."""
    return request.query_params.get("unmerged", "").lower() in YES


def note_text(note: dict[str, Any], lang: str) -> str:
    """The fusion note (``FusionNote.as_dict()``) as a sentence of the page's language."""
    state = note["state"]
    if state == UNMERGED:
        return gettext(lang, "Each partner's records shown apart: a person may appear once "
                             "per record.")  # fmt: skip
    if state == NEEDS_PURPOSE:
        return gettext(lang, "Records shown apart: your resolution rests on CONFIDENTIAL or "
                             "SECRET facts; say why you are reading to see one node per "
                             "person.")  # fmt: skip
    if state == UNRESOLVED:
        return gettext(lang, "No resolution yet: records shown apart; run `cupula resolve` "
                             "to see one node per person.")  # fmt: skip
    joined = ngettext(lang, "{n} node joined from several records",
                      "{n} nodes joined from several records", note["merged"])  # fmt: skip
    day = (note["resolved_at"] or "")[:10]
    text = gettext(lang, "One node per person, on the resolution of {day} ({joined}).")
    text = text.format(day=day, joined=joined)
    if state == STALE:
        since = ngettext(lang, "{n} load since: its records are shown apart until `cupula "
                               "resolve` runs again.",
                         "{n} loads since: their records are shown apart until `cupula "
                         "resolve` runs again.", note["loads_since"])  # fmt: skip
        text = f"{text} {since}"
    return text


def fusion_values(
    request: Request,
    ctx: Reading,
    view: View,
    cache: Derived,
    datasets: list[str] | None = None,
) -> tuple[Fused, dict[str, Any]]:
    """The fusion a page uses, and what its template shows of it: the note, whether
    records are apart, and the address of the same page the other way."""
    apart = apart_asked(request)
    fused = fused_of(ctx, view, cache, datasets, apart=apart)
    note = fused.note()
    toggle = request.url.remove_query_params("unmerged")
    if not apart:
        toggle = toggle.include_query_params(unmerged="true")
    lang_text = note_text(note, language(request))
    return fused, {
        "fusion": note,
        "fusion_text": lang_text,
        "apart": apart,
        "fused": note["state"] in (FUSED, STALE),
        "fusion_toggle": f"{toggle.path}?{toggle.query}" if toggle.query else toggle.path,
    }
