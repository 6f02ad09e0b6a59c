"""Scratch stores of the evaluations: loaded by the local administrator for agencies it
registers first (a load names a registered agency, as everywhere)."""

from __future__ import annotations

from cupula.access import accounts
from cupula.access.viewer import Viewer
from cupula.model.marking import agency_country
from cupula.store import Store


def register_agency(store: Store, agency: str) -> Viewer:
    """Register ``agency`` (its country from its id's prefix) unless it is known; return
    the local administrator, who loads the evaluation's data."""
    if agency not in {a.id for a in accounts.list_agencies(store)}:
        country = agency_country(agency)
        if country is None:
            raise ValueError(f"{agency}: no country in its id")
        accounts.add_agency(store, Viewer.local_admin(), agency, country, agency)
    return Viewer.local_admin()
