"""What the API answers, as pydantic models: ``/openapi.json`` documents every response
with its fields, and FastAPI checks each answer against them (a field the model does not
name is never sent)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, JsonValue


class Problem(BaseModel):
    """Any refusal or failure: the error's name and what to do about it."""

    error: str = Field(examples=["NotFound"])
    detail: str
    id: str | None = Field(None, description="error id of a 500, as in the server log")


# -- session


class LoggedIn(BaseModel):
    user: str
    agency: str
    csrf: str = Field(description="send it as X-CSRF-Token with requests that change something")


class LoggedOut(BaseModel):
    user: str


class Me(BaseModel):
    user: str
    agency: str
    country: str
    clearance: str
    roles: list[str]
    cases: list[str]


# -- the fused network


class FusionNote(BaseModel):
    """How the records of a result were joined (``graph.fusion.FusionNote``)."""

    state: str = Field(description="fused, stale, unresolved, needs-purpose or unmerged")
    resolved_at: str | None = Field(description="when the resolution used was run")
    loads_since: int = Field(description="loads you may see finished after it (shown apart)")
    merged: int = Field(description="nodes joined from several records")
    message: str


MEMBERS = "ids of the records fused into this node (the node's own id alone when it is one)"
PARTNERS = "agencies that hold a record of this person (empty for a node of one record)"


class MemberRecord(BaseModel):
    """One record of a fused person, as you may see it."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    datasets: list[str]
    markings: list[str] = Field(description="the markings of its statements you may see")


class Members(BaseModel):
    """A fused person and its member records (``GET /api/entities/{id}/members``)."""

    id: str = Field(description="the canonical id: the smallest member id")
    caption: str
    records: int
    partners: list[str] = Field(description=PARTNERS)
    members: list[MemberRecord]
    fusion: FusionNote


# -- entities


class SearchHit(BaseModel):
    entity_id: str
    name: str
    schema_: str = Field(alias="schema")
    score: float = Field(description="a ranking score, not a match probability")
    capped: bool = Field(
        False, description="more entities shared a key with the query than were scored"
    )


class PersonHit(SearchHit):
    """A search result: a person (one node of the fused network) and its records."""

    entity_id: str = Field(description="the canonical id of the person's fused node")
    members: list[str] = Field(description=MEMBERS)
    matched: list[str] = Field(description="the member records whose names matched")
    partners: list[str] = Field(description=PARTNERS)


class Value(BaseModel):
    property: str
    value: str
    dataset: str
    marking: str | None
    reliability: str | None
    credibility: str | None
    origin: str | None
    first_seen: str | None


class Relationship(BaseModel):
    other: str
    name: str
    kind: str
    direction: str = Field(description="out, in, or empty for an undirected tie")
    count: int
    first: str | None
    last: str | None


class DatedValue(BaseModel):
    """A dated value of the entity itself (birth, incorporation…)."""

    date: str
    property: str
    dataset: str


class DatedTie(BaseModel):
    """A dated tie: its kind, the other end, the tie's id."""

    date: str
    kind: str
    name: str
    entity: str
    evidence: str | None


class MemberRelationship(Relationship):
    record: str = Field(description="the member record the tie is of")


class MemberDatedValue(DatedValue):
    record: str = Field(description="the member record the value is of")


class MemberDatedTie(DatedTie):
    record: str = Field(description="the member record the tie is of")


class FusedPerson(Members):
    """The person an entity is a record of, with every member's relationships and
    timeline."""

    relationships: list[MemberRelationship]
    timeline: list[MemberDatedValue | MemberDatedTie] = Field(description="oldest first")


class EntityPage(BaseModel):
    id: str
    schema_: str = Field(alias="schema")
    caption: str
    values: list[Value]
    relationships: list[Relationship]
    timeline: list[DatedValue | DatedTie] = Field(description="oldest first")
    similar: list[SearchHit]
    person: FusedPerson | None = Field(
        None, description="the person this record is fused into, when it is one of several"
    )


# -- analysis


class Node(BaseModel):
    id: str
    name: str
    schema_: str = Field(alias="schema")
    countries: list[str]
    hops: int
    ties: int
    score: float | None = Field(description="leader score in the whole network you may see")
    key_player: bool
    members: list[str] = Field(description=MEMBERS)
    partners: list[str] = Field(description=PARTNERS)


class Edge(BaseModel):
    id: str
    source: str
    target: str
    kind: str
    directed: bool
    count: int
    weight: float
    first: str | None
    last: str | None
    evidence: list[str] = Field(description="ids of up to three ties behind the edge")


class Graph(BaseModel):
    seeds: list[str]
    nodes: list[Node]
    edges: list[Edge]
    truncated: int = Field(description="nodes left out over max_nodes")
    fusion: FusionNote


class Signal(BaseModel):
    value: float
    percentile: float


class Leader(BaseModel):
    entity_id: str
    name: str
    rank: int
    score: float
    reasons: list[str]
    signals: dict[str, Signal]
    evidence: list[str]
    members: list[str] = Field(description=MEMBERS)
    partners: list[str] = Field(description=PARTNERS)


class Leaders(BaseModel):
    leaders: list[Leader]
    signals: list[str]
    weights: dict[str, float]
    candidates: int
    nodes: int
    ties: int
    betweenness: str
    fusion: FusionNote
    age: dict[str, str] | None = Field(
        None, description="when stale: computed_at, stale_since (a load), progress of the new"
    )


# -- money


class Destination(BaseModel):
    entity_id: str
    name: str
    amount: float
    currency: str
    country: str | None
    countries: list[str]
    secrecy_jurisdiction: list[str]
    members: list[str] = Field(description=MEMBERS)
    partners: list[str] = Field(description=PARTNERS)


class Transfer(BaseModel):
    id: str
    payer: str
    beneficiary: str
    amount: float
    as_written: str
    date: str | None


class TracePath(BaseModel):
    amount: float
    transfers: list[Transfer]


class MoneyTrail(BaseModel):
    source: str
    direction: str
    rule: str
    max_hops: int
    max_gap_days: int | None
    currency: str
    total: float
    destinations: list[Destination]
    by_country: dict[str, float]
    paths: list[TracePath]
    dust: float
    fusion: FusionNote


# -- cooperation


class DrugFigures(BaseModel):
    count: int
    kg: float


class Seizures(BaseModel):
    count: int
    kg: float
    estimated_value: float
    by_drug: dict[str, DrugFigures]
    by_year: dict[str, int]
    by_country: dict[str, int]
    by_agency: dict[str, int]
    people_involved: int


class Extraditions(BaseModel):
    count: int
    by_status: dict[str, int]
    by_route: dict[str, int]
    median_days_to_decision: float | None
    median_days_to_surrender: float | None


class Requests(BaseModel):
    count: int
    by_status: dict[str, int]
    by_route: dict[str, int]
    answered_on_time: int
    answered_late: int
    overdue: int
    median_days_to_answer: float | None


class Cooperation(BaseModel):
    seizures: Seizures
    extraditions: Extraditions
    requests: Requests


# -- audit, data, resolution


class AuditEntry(BaseModel):
    seq: int
    at: str
    user: str
    agency: str
    action: str
    query: dict[str, JsonValue] = Field(description="what was asked, and the outcome")
    purpose: str | None
    statements: int
    originators: dict[str, int]
    prev_hash: str = Field(description="empty when withheld")
    hash: str = Field(description="empty when withheld")
    withheld: list[str] = Field(description="what of the entry you were not shown")


class Loaded(BaseModel):
    path: str
    dataset: str
    format: str
    marking: str
    statements_read: int
    statements_added: int
    records_read: int
    skipped: bool
    dropped: list[str]
    summary: str


class Judgement(BaseModel):
    left: str
    right: str
    verdict: str
    agency: str
    user: str
    at: str
    marking: str = Field(description="who may see and use the judgement")
    note: str | None


class ListedJudgement(Judgement):
    standing: bool = Field(description="its agency's latest judgement of the pair")
    disputed: bool = Field(description="agencies whose judgements you see disagree on it")


# every error an /api/ route may answer, documented with the one body they all have
PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text}
    for status, text in {
        400: "bad input, or a purpose is needed",
        401: "no or bad credentials",
        403: "not allowed, or the CSRF token is missing",
        404: "nothing of that among what you may see",
        409: "not ready (no resolution run)",
        413: "upload too large",
        422: "a request that does not fit, or a bad file (file, line, field)",
        429: "too many failed logins",
        500: "the server failed: the error id is in the server log",
    }.items()
}
