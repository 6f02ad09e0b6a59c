"""Who is reading: a user at an agency, in a country, with a clearance, roles and cases."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from cupula.model.marking import Classification


class Role(enum.StrEnum):
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """The reader a view is built for.

    ``unrestricted`` is the local administrator of the machine the store lives on (the
    command line without ``--as``): it sees every statement. Every other viewer sees
    what ``access.policy.decide`` allows.
    """

    user: str
    agency: str
    country: str  # ISO 3166 alpha-3
    clearance: Classification
    roles: frozenset[Role] = field(default_factory=frozenset)
    cases: frozenset[str] = field(default_factory=frozenset)
    unrestricted: bool = False

    @classmethod
    def local_admin(cls) -> Viewer:
        return cls(
            user="local-admin",
            agency="XX-LOCAL",
            country="",
            clearance=Classification.SECRET,
            roles=frozenset({Role.ADMIN}),
            unrestricted=True,
        )

    def has_role(self, role: Role) -> bool:
        return self.unrestricted or role in self.roles

    def __str__(self) -> str:
        return f"{self.user} ({self.agency}, {self.clearance.name})"
