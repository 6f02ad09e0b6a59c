"""Load one source into a store, atomically.

The marking and the options are checked before the store is touched; the file is
then read, checked and written inside one transaction, so a bad line anywhere (or a
killed process) leaves the store exactly as it was. The same bytes loaded again into
the same dataset under the same marking are recognised and skipped; overlapping
data merges statement by statement (ids are content hashes).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path

from cupula.access.policy import decide, may_load, may_mark
from cupula.access.viewer import Viewer
from cupula.errors import Refused
from cupula.ingest.errors import IngestError
from cupula.ingest.fragment import Fragment, fragment_statements
from cupula.ingest.ftm_json import read_ftm_json
from cupula.ingest.limits import check_file_sizes
from cupula.ingest.mapping import EXCEL_SUFFIXES, read_table
from cupula.ingest.network import NetworkOptions, read_attendance, read_edgelist, read_matrix
from cupula.ingest.ofac import find_trio, read_ofac
from cupula.ingest.text import CsvRows, Progress, no_progress, sha256_files
from cupula.model.dates import DateError, parse_date
from cupula.model.marking import Marking, MarkingError, is_agency
from cupula.model.statement import Statement, now_iso
from cupula.store import ownership
from cupula.store.store import Store

BATCH = 10_000
DATASET_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Format(enum.StrEnum):
    FTM = "ftm"
    MAPPING = "mapping"
    MATRIX = "matrix"
    EDGELIST = "edgelist"
    ATTENDANCE = "attendance"
    OFAC = "ofac"


FORMAT_HELP = {
    Format.FTM: "followthemoney entities, one JSON object per line",
    Format.MAPPING: "CSV or Excel table with an FtM YAML mapping (--mapping)",
    Format.MATRIX: "square adjacency matrix: first row and column are node ids",
    Format.EDGELIST: "edge list: source, target, optional weight, optional date or phase",
    Format.ATTENDANCE: "two-mode matrix: persons in rows, events (meetings) in columns",
    Format.OFAC: "OFAC SDN legacy CSV trio (sdn/alt/add): the folder or the sdn file",
}


@dataclass(frozen=True)
class LoadOptions:
    """Reader options beyond the file itself (they are part of the load's fingerprint)."""

    directed: bool | None = None
    phase: str | None = None
    date: str | None = None
    channel: str | None = None
    node_schema: str = "Person"
    namespace: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    # Mapped tables: leave out cell values the schema rejects (a malformed e-mail in a
    # noisy list) instead of refusing the file; each is counted and the first reported.
    drop_invalid: bool = False


@dataclass
class LoadResult:
    path: str
    dataset: str
    format: str
    marking: str
    statements_read: int = 0
    statements_added: int = 0
    records_read: int = 0
    skipped: bool = False
    dropped: list[str] = field(default_factory=list)  # "line N, field F: value" left out

    def summary(self) -> str:
        if self.skipped:
            return (
                f"{self.path}: already loaded into {self.dataset} under this marking; "
                "nothing to do (use --force to read it again)"
            )
        text = (
            f"{self.path}: {self.records_read:,} records read as {self.format}, "
            f"{self.statements_read:,} statements, {self.statements_added:,} new, into "
            f"{self.dataset} [{self.marking}]"
        )
        if self.dropped:
            text += (
                f"; {len(self.dropped):,} invalid values left out (--drop-invalid), first: "
                f"{self.dropped[0]}"
            )
        return text


def detect_format(path: Path, mapping: Path | None, encoding: str = "utf-8") -> Format:
    """Guess the format from the name and first row; ambiguous files need --format."""
    if mapping is not None:
        return Format.MAPPING
    name = path.name.lower()
    if path.is_dir() or name.startswith("sdn"):
        return Format.OFAC
    if name.endswith((".jsonl", ".json", ".ndjson", ".ftm")):
        return Format.FTM
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raise IngestError(path, "an Excel file needs a --mapping")
    if name.endswith((".csv", ".tsv", ".txt", ".tab")):
        rows = iter(CsvRows(path, encoding=encoding))
        first = next(rows, None)
        if first is None:
            raise IngestError(path, "the file is empty")
        header = [c.strip() for c in first[1][1:]]
        labels = [row[0].strip() for _, row in islice(rows, len(header) + 1) if row]
        # A matrix's row labels are its column ids (a missing row still leaves a subset).
        if len(header) >= 2 and labels and set(labels) <= set(header):
            return Format.MATRIX
        if len(first[1]) <= 4:
            return Format.EDGELIST
    raise IngestError(
        path,
        "cannot tell the format; give --format (one of " + ", ".join(f.value for f in Format) + ")",
    )


def _fragments(
    path: Path,
    fmt: Format,
    dataset: str,
    mapping: Path | None,
    options: LoadOptions,
    progress: Progress,
    dropped: list[str],
) -> Iterator[Fragment]:
    namespace = options.namespace or dataset
    if fmt == Format.FTM:
        return read_ftm_json(path, progress=progress)
    if fmt == Format.OFAC:
        return read_ofac(
            path, namespace=namespace, encoding=options.encoding or "cp1252", progress=progress
        )
    if fmt == Format.MAPPING:
        if mapping is None:
            raise IngestError(path, "the mapping format needs --mapping FILE")
        return read_table(
            path,
            mapping,
            dataset=dataset,
            encoding=options.encoding or "utf-8",
            sheet=options.sheet,
            progress=progress,
            dropped=dropped if options.drop_invalid else None,
        )
    network = NetworkOptions(
        namespace=namespace,
        directed=options.directed,
        phase=options.phase,
        date=options.date,
        channel=options.channel,
        node_schema=options.node_schema,
        encoding=options.encoding or "utf-8",
    )
    reader = {
        Format.MATRIX: read_matrix,
        Format.EDGELIST: read_edgelist,
        Format.ATTENDANCE: read_attendance,
    }[fmt]
    return reader(path, network, progress=progress)


def input_files(path: Path, fmt: Format) -> list[Path]:
    """The files a load reads (the OFAC format reads up to three)."""
    if fmt == Format.OFAC:
        return find_trio(path).all()
    return [path]


def check_dataset(name: str) -> None:
    if not DATASET_RE.match(name):
        raise IngestError(
            name,
            "a dataset name is 1-64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit",
            field="--dataset",
        )


class LoadRefused(Refused):
    """The writer may not load this: another agency's dataset, a marking it could not
    read, or an agency that is not its own or does not exist. Nothing was written."""


def _entity_refs(fragment: Fragment) -> Iterator[tuple[str, str]]:
    """(entity id, field) of the fragment's own id and every entity it points at."""
    entity = fragment.entity
    if entity.id is not None:
        yield entity.id, "id"
    for prop, value in entity.itervalues():
        if prop.type.name == "entity":
            yield value, prop.name


def _line_of(origin: str) -> int | None:
    tail = origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def check_entities_seen(
    store: Store,
    by: Viewer,
    agency: str,
    refs: dict[str, tuple[str, str]],
) -> None:
    """Refuse the load if it writes about, or points at, an entity of another agency
    that ``by`` may not see. ``refs``: entity id -> (origin, field) where first met.

    It reads the store as committed, on a connection of its own: the load's own
    statements, not yet committed, neither make an id the writer's nor hide one. The
    refusal reads as it would for an id nobody holds ("no entity ... that you may
    see"), naming neither the owner nor what it holds.
    """
    if by.unrestricted or not refs:
        return
    with store.engine.connect() as conn:
        own = ownership.datasets_of(conn, agency)
        foreign = ownership.foreign_markings(conn, refs, own)
    markings = store.view(by).all_markings()
    for entity_id, marking_ids in sorted(foreign.items()):
        if any(decide(by, markings[m]) for m in marking_ids if m in markings):
            continue  # an entity the writer may see: what it adds stays its own
        origin, field_name = refs[entity_id]
        raise IngestError(
            origin.rsplit(":", 1)[0],
            f"no entity {entity_id!r} that you may see: a load may add to entities of "
            "other agencies only when you may see them",
            line=_line_of(origin),
            field=field_name,
        )


def ingest(
    store: Store,
    path: Path | str,
    *,
    by: Viewer,
    dataset: str,
    agency: str,
    marking: str | Marking,
    fmt: Format | str | None = None,
    mapping: Path | str | None = None,
    options: LoadOptions | None = None,
    force: bool = False,
    progress: Progress = no_progress,
    on_start: Callable[[int], None] | None = None,
    source: str | None = None,
) -> LoadResult:
    """Load ``path`` into ``dataset`` for ``agency``, every statement under ``marking``,
    written by the viewer ``by`` (the local administrator at the command line without
    ``--as``).

    What ``by`` may load is decided by the policy (``may_load``, ``may_mark``): only for
    its own, registered agency, only into a dataset that agency owns (a new dataset
    becomes its own), only under a marking it could read itself; and it may write
    about (or point at) another agency's entity only when it may see that entity.

    ``on_start`` is told the number of bytes to read (for a progress bar), ``progress``
    the bytes read so far. ``source`` is what the load is recorded as coming from
    (default: the path; an upload gives the name it was sent under). Raises IngestError
    (or MarkingError) on bad input and LoadRefused when ``by`` may not load it; either
    way nothing is written.
    """
    path = Path(path)
    mapping = Path(mapping) if mapping is not None else None
    options = options or LoadOptions()
    agency = agency.upper()
    if not is_agency(agency):
        raise MarkingError(f"--agency {agency!r} is not an agency id such as CO-DIJIN")
    parsed = marking if isinstance(marking, Marking) else Marking.parse(marking, originator=agency)
    if parsed.originator != agency:
        raise MarkingError(f"the marking's originator {parsed.originator} is not {agency}")
    check_dataset(dataset)
    if options.date is not None:
        try:
            options = replace(options, date=parse_date(options.date))
        except DateError as exc:
            raise IngestError(path, str(exc), field="--date") from None
    with store.engine.connect() as conn:
        if not ownership.agency_exists(conn, agency):
            raise LoadRefused(
                f"no agency {agency} in this store (`cupula admin agency list`; "
                "`cupula admin agency add` registers one)"
            )
        _check_allowed(by, agency, ownership.dataset_owner(conn, dataset), dataset, parsed)
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    if mapping is not None and not mapping.is_file():
        raise IngestError(mapping, "no such mapping file")
    fmt = Format(fmt) if fmt is not None else detect_format(path, mapping)
    files = input_files(path, fmt)
    check_file_sizes(files, fmt.value)
    fingerprint_extra = json.dumps(
        {"format": fmt.value, "options": asdict(options)}, sort_keys=True
    ).encode()
    if mapping is not None:
        fingerprint_extra += mapping.read_bytes()
    sha256 = sha256_files(files, fingerprint_extra)
    result = LoadResult(source or str(path), dataset, fmt.value, str(parsed))
    if on_start is not None:
        on_start(sum(f.stat().st_size for f in files))
    started = now_iso()
    with store.writer() as writer:
        if not force and writer.find_load(dataset, sha256, parsed.id) is not None:
            result.skipped = True
            return result
        owner = ownership.dataset_owner(writer.conn, dataset)
        _check_allowed(by, agency, owner, dataset, parsed)  # again, inside the transaction
        if owner is None:
            ownership.claim_dataset(writer.conn, dataset, agency)
        marking_id = writer.put_marking(parsed)
        before = writer.count_statements()
        batch: list[Statement] = []
        refs: dict[str, tuple[str, str]] = {}
        with writer.pipeline() as put:
            for fragment in _fragments(
                path, fmt, dataset, mapping, options, progress, result.dropped
            ):
                result.records_read += 1
                if not by.unrestricted:
                    for entity_id, field_name in _entity_refs(fragment):
                        refs.setdefault(entity_id, (fragment.origin, field_name))
                batch.extend(fragment_statements(fragment, dataset, marking_id, started))
                if len(batch) >= BATCH:
                    put(batch)
                    result.statements_read += len(batch)
                    batch = []
            put(batch)
            result.statements_read += len(batch)
        check_entities_seen(store, by, agency, refs)
        result.statements_added = writer.count_statements() - before
        writer.record_load(
            dataset=dataset,
            agency=agency,
            path=result.path,
            sha256=sha256,
            format=fmt.value,
            marking_id=marking_id,
            options=json.dumps(asdict(options), sort_keys=True),
            started=started,
            finished=now_iso(),
            statements_read=result.statements_read,
            statements_added=result.statements_added,
        )
    return result


def _check_allowed(
    by: Viewer, agency: str, owner: str | None, dataset: str, marking: Marking
) -> None:
    decision = may_load(by, agency, owner)
    if not decision:
        raise LoadRefused(f"cannot load into {dataset}: {'; '.join(decision.reasons)}")
    decision = may_mark(by, marking)
    if not decision:
        raise LoadRefused(f"cannot write under {marking}: {'; '.join(decision.reasons)}")
