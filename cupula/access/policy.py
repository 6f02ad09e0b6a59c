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

Every other access rule lives here too, so that no command, route or domain module
decides on its own: who may load into which dataset under which marking (``may_load``,
``may_mark``), what may leave in an export for a partner agency (``may_disseminate``),
whose judgements steer a reader's clusters (``judgement_applies``), who may manage
agencies and users (``may_administer``) and whose password a user may set
(``may_set_password``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cupula.access.viewer import Role, Viewer
from cupula.model.marking import Handling, Marking


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
    released = _released_to(viewer.agency, viewer.country, marking)
    if viewer.agency == marking.originator:
        reasons.append(f"{viewer.agency} is the originator")
    elif released is not None:
        reasons.append(released)
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


def _released_to(agency: str, country: str | None, marking: Marking) -> str | None:
    """Why REL TO releases ``marking`` to ``agency`` (itself or its country), or None."""
    if agency in marking.releasable_to:
        return f"REL TO names {agency}"
    if country and country in marking.releasable_to:
        return f"REL TO names {country}"
    return None


def allowed_markings(viewer: Viewer, markings: Mapping[str, Marking]) -> frozenset[str]:
    """The ids of the markings (id -> marking) whose statements ``viewer`` may see."""
    return frozenset(mid for mid, marking in markings.items() if decide(viewer, marking))


def may_load(viewer: Viewer, agency: str, dataset_owner: str | None) -> Decision:
    """Whether ``viewer`` may load data for ``agency`` into a dataset owned by
    ``dataset_owner`` (None: a new dataset, which ``agency`` will own).

    A user loads only for its own agency, and only into that agency's datasets; the
    local administrator loads for any agency, but not into another agency's dataset.
    """
    agency = agency.upper()
    if not viewer.unrestricted and viewer.agency != agency:
        return Decision(False, (f"{viewer.user} loads for {viewer.agency}, not for {agency}",))
    if dataset_owner is not None and dataset_owner != agency:
        return Decision(False, (f"the dataset belongs to {dataset_owner}, not to {agency}",))
    if dataset_owner is None:
        return Decision(True, (f"a new dataset, owned by {agency} from now on",))
    return Decision(True, (f"{agency} owns the dataset",))


def may_mark(viewer: Viewer, marking: Marking) -> Decision:
    """Whether ``viewer`` may write statements under ``marking``: only markings it could
    read itself (a RESTRICTED-cleared user writes nothing SECRET, nor for a case it is
    not a member of), and only as its own agency."""
    if viewer.unrestricted:
        return Decision(True, ("local administrator",))
    if marking.originator != viewer.agency:
        return Decision(False, (f"the originator {marking.originator} is not {viewer.agency}",))
    decision = decide(viewer, marking)
    if not decision:
        return Decision(False, ("you could not read what you write: " + str(decision),))
    return decision


def may_disseminate(partner: str, partner_country: str | None, marking: Marking) -> Decision:
    """Whether statements under ``marking`` may leave in an export for ``partner``.

    Its own facts go back to the originator whatever their handling code. Anything
    else leaves only when REL TO names the partner or its country, never when it is H2
    (no onward dissemination) and never when it is held in need-to-know cases (an
    agency cannot vouch that its receivers are members).
    """
    partner = partner.upper()
    if partner == marking.originator:
        return Decision(True, (f"{partner} is the originator",))
    if marking.handling == Handling.H2:
        return Decision(False, ("H2: no onward dissemination",))
    if marking.compartments:
        return Decision(
            False, (f"held in case {', '.join(sorted(marking.compartments))} (need to know)",)
        )
    released = _released_to(partner, partner_country, marking)
    if released is not None:
        return Decision(True, (released,))
    return Decision(False, (f"REL TO names neither {partner} nor its country",))


def judgement_applies(viewer: Viewer, marking: Marking) -> Decision:
    """Whether a judgement under ``marking`` steers ``viewer``'s clusters and is listed
    to it. One rule: a reader uses exactly the judgements it may see, so this is
    ``decide`` on the judgement's own marking (its author chooses with whom to share
    it; by default its agency alone)."""
    return decide(viewer, marking)


def may_administer(viewer: Viewer) -> Decision:
    """Whether ``viewer`` may add or change agencies, users, passwords and tokens."""
    if viewer.has_role(Role.ADMIN):
        return Decision(True, ("administrator",))
    return Decision(False, (f"{viewer.user} is not an administrator",))


def may_set_password(viewer: Viewer, user: str) -> Decision:
    """Whether ``viewer`` may set ``user``'s password: its own, or anyone's as an
    administrator."""
    if viewer.has_role(Role.ADMIN):
        return Decision(True, ("administrator",))
    if viewer.user == user:
        return Decision(True, (f"{user} sets its own password",))
    return Decision(False, (f"{viewer.user} is not an administrator and is not {user}",))
