"""Handling codes on exports: who an export is for decides what may go into it.

- For a partner agency (``Audience.partner``): a statement leaves only if the partner
  is its originator or is named (itself or its country) in REL TO, and never if it is
  H2 ("no onward dissemination") unless the partner is the originator.
- For court (``Audience.court``): H1 statements ("not in judicial proceedings without
  the originator's consent") are flagged, with the originator to ask.
- H3 statements always carry their restriction text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from cupula.model.marking import Handling, Marking
from cupula.model.statement import Statement


@dataclass(frozen=True)
class Audience:
    partner: str | None = None  # agency id the export is sent to
    partner_country: str | None = None  # its ISO alpha-3 country
    court: bool = False

    def may_receive(self, marking: Marking) -> bool:
        if self.partner is None:
            return True
        if self.partner == marking.originator:
            return True
        if marking.handling == Handling.H2:
            return False
        return self.partner in marking.releasable_to or (
            self.partner_country is not None and self.partner_country in marking.releasable_to
        )


def handling_note(marking: Marking, audience: Audience) -> str:
    """The words an export must carry beside a statement under ``marking``."""
    if marking.handling == Handling.H3:
        return f"H3: {marking.handling_text}"
    if marking.handling == Handling.H1 and audience.court:
        return f"H1: not for judicial proceedings without the consent of {marking.originator}"
    if marking.handling == Handling.H1:
        return "H1: not for judicial proceedings without the originator's consent"
    return ""


def for_audience(
    statements: Iterable[Statement], markings: Mapping[str, Marking], audience: Audience
) -> Iterator[Statement]:
    for statement in statements:
        if audience.may_receive(markings[statement.marking_id]):
            yield statement
