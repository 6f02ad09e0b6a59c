"""The access policy: may this viewer see a statement with this marking, and why.

``decide`` is the one decision. Views do not re-implement it in SQL: a store holds few
distinct markings, so a view asks ``decide`` about each of them once and filters
statements by the ids of the markings allowed (``allowed_markings``). The SQL filter is
therefore the decision itself, evaluated per marking.

A viewer sees a statement when all of these hold:

1. its clearance is at least the statement's classification;
2. its agency is the originator, or its agency or its country is named in REL TO
   (another agency of the originator's country is *not* the originator: without REL TO
   naming it or its country, it sees nothing);
3. when the marking names need-to-know cases (CASE ...), it is a member of every one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cupula.access.viewer import Viewer
from cupula.model.marking import Marking


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.allowed

    def __str__(self) -> str:
        return ("allowed: " if self.allowed else "denied: ") + "; ".join(self.reasons)


def decide(viewer: Viewer, marking: Marking) -> Decision:
    """Whether ``viewer`` may see statements under ``marking``, with the reasons."""
    if viewer.unrestricted:
        return Decision(True, ("local administrator",))
    reasons: list[str] = []
    allowed = True
    if viewer.clearance >= marking.classification:
        reasons.append(f"clearance {viewer.clearance.name} covers {marking.classification.name}")
    else:
        allowed = False
        reasons.append(f"clearance {viewer.clearance.name} is below {marking.classification.name}")
    if viewer.agency == marking.originator:
        reasons.append(f"{viewer.agency} is the originator")
    elif viewer.agency in marking.releasable_to:
        reasons.append(f"REL TO names {viewer.agency}")
    elif viewer.country and viewer.country in marking.releasable_to:
        reasons.append(f"REL TO names {viewer.country}")
    else:
        allowed = False
        reasons.append(
            f"neither {viewer.agency} nor {viewer.country or 'its country'} is the originator "
            f"{marking.originator} or named in REL TO"
        )
    missing = sorted(marking.compartments - viewer.cases)
    if missing:
        allowed = False
        reasons.append(f"not a member of case {', '.join(missing)}")
    elif marking.compartments:
        reasons.append(f"member of case {', '.join(sorted(marking.compartments))}")
    return Decision(allowed, tuple(reasons))


def allowed_markings(viewer: Viewer, markings: Mapping[str, Marking]) -> frozenset[str]:
    """The ids of the markings (id -> marking) whose statements ``viewer`` may see."""
    return frozenset(mid for mid, marking in markings.items() if decide(viewer, marking))
