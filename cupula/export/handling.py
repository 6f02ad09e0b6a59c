"""Handling codes on exports: who an export is for decides what may go into it.

- For a partner agency (``Audience.partner``): a statement leaves only when the policy
  lets it go to that partner (``access.policy.may_disseminate``: the partner's own facts
  go back to it whatever their handling code; another agency's leave only when REL TO
  names the partner or its country, never when H2, never when held in CASE
  compartments).
- For court (``Audience.court``): H1 statements ("not in judicial proceedings without
  the originator's consent") are flagged, with the originator to ask.
- H3 statements always carry their restriction text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from cupula.access.policy import may_disseminate
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
        return bool(may_disseminate(self.partner, self.partner_country, marking))


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
    # one decision per marking, not per statement (a store holds few markings)
    allowed = {mid for mid, marking in markings.items() if audience.may_receive(marking)}
    for statement in statements:
        if statement.marking_id in allowed:
            yield statement
