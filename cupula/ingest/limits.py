"""How big a partner's file, line, value or entity may be: every limit a load enforces.

One hostile value can stop a shared server: rigour's metaphone takes time in the square
of a token's length (0.3 s at 100k characters, 37 s at 1M), followthemoney adds a value
to an entity after comparing it with every value the property already holds (1M values:
half a trillion comparisons), and a reader that takes a whole line at once holds a 50 MB
line in memory before it looks at it. The limits below are far above what real data of
this field holds (OFAC's SDN list, OpenSanctions, registries, police exports) and low
enough that the work behind each is bounded; each refusal names the file, the line and
the field, and (the load being one transaction) changes nothing.

Readers call ``check_entity`` on every fragment they yield and ``check_total`` where
one entity gathers values over several rows; ``text.iter_raw_lines`` and ``CsvRows``
read at most ``line_limit(format)`` bytes of a line or row; the loader calls
``check_file_sizes`` once, before it reads anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from cupula.ingest.errors import IngestError

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30

# --- values -------------------------------------------------------------------------
# A name (any property of FtM's name type: name, alias, previousName, firstName...). The
# longest names on OFAC's list are under 400 characters and FtM indexes 384; 1,000 leaves
# room for long company names and stays cheap for every key the search box builds.
MAX_NAME_CHARS = 1_000
# Words in one name: legal company names run to twenty or thirty; 64 is plenty.
MAX_NAME_TOKENS = 64
WORDS = re.compile(r"[^\W_]+")  # runs of letters, marks and digits, in any script
# Free text (notes, descriptions, summaries: FtM's text and html types). FtM's own index
# keeps 65,000 characters; OFAC's longest remarks are about 2,000.
MAX_TEXT_CHARS = 100_000
# Every other value (identifiers, addresses, dates, amounts, urls...): FtM's longest
# such type (url) stops at 4,096.
MAX_VALUE_CHARS = 10_000

# --- entities -----------------------------------------------------------------------
# Values of one property of one entity, in one load. FtM compares each new value with
# every one already held, so this bounds a quadratic cost; OFAC's most aliased entry has
# about 150 aliases.
MAX_VALUES_PER_PROPERTY = 1_000
# Values of one entity in one load, every property together.
MAX_VALUES_PER_ENTITY = 10_000

# --- lines, rows and files, per format ----------------------------------------------
# A JSON line holds one entity; within the limits above it stays under a few MiB.
MAX_JSON_LINE_BYTES = 8 * MiB
# A row of a table or an edge list (a quoted cell may span physical lines: the row
# counts them all). A mapped row may hold a long text cell or two.
MAX_ROW_BYTES = 4 * MiB
# Nodes of an adjacency or attendance matrix: it is held whole (n² cells) and checked for
# symmetry (n² comparisons); CAVIAR has 110. Larger networks load as edge lists.
MAX_MATRIX_NODES = 2_000
# Bytes of one file. Line-by-line formats are read in time proportional to their size,
# so their limit only keeps one load from filling the disk; a matrix is bounded by its
# cells (2,000² cells of a few bytes), the OFAC trio is a few MiB, and an Excel file is
# a zip whose sheets openpyxl decompresses (its own format stops at 1,048,576 rows).
MAX_FILE_BYTES = {
    "ftm": 16 * GiB,
    "mapping": 16 * GiB,
    "excel": 256 * MiB,
    "edgelist": 16 * GiB,
    "matrix": 64 * MiB,
    "attendance": 64 * MiB,
    "ofac": 256 * MiB,
}
LINE_BYTES = {"ftm": MAX_JSON_LINE_BYTES}


def line_limit(fmt: str) -> int:
    """The most bytes one line (JSON) or row (tables, networks, OFAC) of ``fmt`` may hold."""
    return LINE_BYTES.get(fmt, MAX_ROW_BYTES)


def _size(n: int) -> str:
    for unit, name in ((GiB, "GiB"), (MiB, "MiB"), (KiB, "KiB")):
        if n >= unit and n % unit == 0:
            return f"{n // unit:,} {name}"
    return f"{n:,} bytes"


def check_file_sizes(files: Iterable[Path], fmt: str) -> None:
    """Refuse a file larger than its format allows, before anything is read."""
    for path in files:
        kind = "excel" if fmt == "mapping" and path.suffix.lower() in (".xlsx", ".xlsm") else fmt
        limit = MAX_FILE_BYTES.get(kind)
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise IngestError(
                path, f"{size:,} bytes; a {kind} file may hold at most {_size(limit)}"
            )


def line_too_long(path: Path | str, line: int, limit: int) -> IngestError:
    return IngestError(
        path,
        f"the line is longer than {_size(limit)}, the most one line of this format may hold "
        "(an unclosed quote, or not a file of this format?)",
        line=line,
    )


def value_limit(type_name: str) -> int:
    """The most characters one value of an FtM property type may hold."""
    if type_name == registry.name.name:
        return MAX_NAME_CHARS
    if type_name in (registry.text.name, registry.html.name):
        return MAX_TEXT_CHARS
    return MAX_VALUE_CHARS


def check_value(
    type_name: str, value: str, *, path: Path | str, line: int | None, field: str
) -> None:
    """Refuse a value too long for its type, or a name of too many words."""
    limit = value_limit(type_name)
    if len(value) > limit:
        raise IngestError(
            path,
            f"a value of {len(value):,} characters; a {type_name} may hold at most {limit:,}",
            line=line,
            field=field,
        )
    # A name of 2 * MAX_NAME_TOKENS characters or fewer cannot hold too many words.
    if type_name == registry.name.name and len(value) >= 2 * MAX_NAME_TOKENS:
        words = len(WORDS.findall(value))
        if words > MAX_NAME_TOKENS:
            raise IngestError(
                path,
                f"a name of {words:,} words; a name may hold at most {MAX_NAME_TOKENS}",
                line=line,
                field=field,
            )


def check_count(
    count: int, *, path: Path | str, line: int | None, field: str, per_entity: bool = False
) -> None:
    """Refuse more values of one property (or, ``per_entity``, of one entity) than allowed."""
    limit = MAX_VALUES_PER_ENTITY if per_entity else MAX_VALUES_PER_PROPERTY
    if count > limit:
        what = "the entity" if per_entity else "one property of one entity"
        raise IngestError(
            path,
            f"{count:,} values; {what} may hold at most {limit:,} in one load",
            line=line,
            field=field,
        )


def check_entity(entity: EntityProxy, *, path: Path | str, line: int | None) -> None:
    """Every limit on one entity read from one place: value lengths, words per name,
    values per property and in all."""
    total = 0
    for prop in entity.iterprops():
        values = entity.get(prop, quiet=True)
        field = f"properties.{prop.name}"
        check_count(len(values), path=path, line=line, field=field)
        total += len(values)
        for value in values:
            check_value(prop.type.name, value, path=path, line=line, field=field)
    check_count(total, path=path, line=line, field="properties", per_entity=True)


class EntityTally:
    """Values per entity over a whole load, for readers whose entities gather values
    over several rows (a mapped table keyed on a column, OFAC's aliases)."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.counts: dict[str, int] = {}

    def add(self, entity: EntityProxy, line: int | None) -> None:
        if entity.id is None:
            return
        count = self.counts.get(entity.id, 0) + sum(1 for _ in entity.itervalues())
        self.counts[entity.id] = count
        check_count(count, path=self.path, line=line, field=entity.id, per_entity=True)
