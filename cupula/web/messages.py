"""What the domain tells a user, as the workbench says it: load summaries and the reasons
a load or a read was refused, in the reader's language and in the terms of the form.

The domain writes its messages in English for the command line ("give --encoding");
the pages rebuild a load's summary from its figures (counted phrases through the
catalog's plural rule) and rewrite each known message form into a msgid of the catalog,
naming the form's fields instead of the command's options. A message of no known form
is shown as the domain wrote it.
"""

from __future__ import annotations

import re

from followthemoney import registry

from cupula.ingest import IngestError
from cupula.ingest.loader import LoadResult
from cupula.web.i18n import gettext, ngettext, number


def load_summary(result: LoadResult, lang: str, *, file: str | None = None) -> str:
    """``LoadResult.summary()`` for a page: the figures of this load, counted in words;
    ``file`` is the name the user gave the file (the upload's, not the server's copy)."""
    file = file or result.path
    if result.skipped:
        return gettext(
            lang, "{file}: already loaded into {dataset} under this marking; nothing to do"
        ).format(file=file, dataset=result.dataset)
    parts = [
        ngettext(lang, "{n} record read as {format}", "{n} records read as {format}",
                 result.records_read, format=result.format),
        ngettext(lang, "{n} statement", "{n} statements", result.statements_read),
        ngettext(lang, "{n} new", "{n} new", result.statements_added),
        gettext(lang, "into {dataset} [{marking}]").format(
            dataset=result.dataset, marking=result.marking),
    ]  # fmt: skip
    text = f"{file}: " + ", ".join(parts)
    if result.dropped:
        dropped = ngettext(
            lang, "{n} invalid value left out", "{n} invalid values left out", len(result.dropped)
        )
        first = gettext(lang, "first: {value}").format(value=_dropped(result.dropped[0], lang))
        text += f"; {dropped}, {first}"
    return text


def _dropped(text: str, lang: str) -> str:
    """A value left out, "line N, field F: value", in ``lang``."""
    found = re.match(r"^line (\d+), field (\S+): (.*)$", text)
    if found is None:
        return text
    line = gettext(lang, "line {line}").format(line=number(int(found.group(1)), lang))
    field = gettext(lang, "field {field}").format(field=found.group(2))
    return f"{line}, {field}: {found.group(3)}"


def _type_name(name: str, lang: str) -> str:
    known = {t.name: t for t in registry.types}  # registry.get() fails on other names
    described = known.get(name)
    return gettext(lang, described.label).lower() if described is not None else name


# Each message form of the domain (a pattern over its English text) and the catalog's
# msgid it becomes; the pattern's named groups fill the msgid's fields.
FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), m) for p, m in [
        (r"^(?P<value>.+) is not a valid (?P<type>\w+)$", "{value} is not a valid {type}"),
        (r"^(?P<value>.+) is not a date$", "{value} is not a date"),
        (r"^the file is empty$", "the file is empty"),
        (r"^expected a JSON object \(one entity per line\)$",
         "expected a JSON object (one entity per line)"),
        (r"^broken JSON: (?P<detail>.*)$", "broken JSON: {detail}"),
        (r"^unknown schema (?P<schema>.+)$", "unknown schema {schema}"),
        (r"^schema (?P<schema>\w+) has no property (?P<prop>.+)$",
         "schema {schema} has no property {prop}"),
        (r"^empty file: expected a header row of column names$",
         "empty file: expected a header row of column names"),
        (r"^bytes (?P<bytes>.+) at column (?P<column>\d+) are not valid (?P<encoding>\S+); "
         r"give the file's encoding with --encoding \(e\.g\. cp1252, latin-1\)$",
         "bytes {bytes} at column {column} are not valid {encoding}; "
         "give the file's encoding in the Encoding field (e.g. cp1252, latin-1)"),
        (r"^cannot tell the format; give --format \(one of (?P<formats>.*)\)$",
         "cannot tell the format; give the Format (one of {formats})"),
        (r"^the mapping format needs --mapping FILE$", "the mapping format needs a Mapping file"),
        (r"^an Excel file needs a --mapping$", "an Excel file needs a Mapping file"),
        # the reads' and the sessions' refusals
        (r"^no entity (?P<entity>.+) among what you may see$",
         "no entity {entity} among what you may see"),
        (r"^no ties to analyse among what you may see$",
         "no ties to analyse among what you may see"),
        (r"^none of these entities has ties among what you may see \(with these filters\)$",
         "none of these entities has ties among what you may see (with these filters)"),
        (r"^(?P<file>.+): larger than (?P<size>\d+) MiB; use `cupula ingest`$",
         "{file}: larger than {size} MiB; larger files are loaded with `cupula ingest`"),
        (r"^too many failed logins; wait a minute and try again$",
         "too many failed logins; wait a minute and try again"),
        (r"^CSRF$", "This form has expired: open the page again and send it once more."),
    ]
]  # fmt: skip


def message(text: str, lang: str) -> str:
    """A domain message in the reader's language and the form's terms."""
    for pattern, msgid in FORMS:
        found = pattern.match(text)
        if found is None:
            continue
        fields = found.groupdict()
        if "type" in fields:
            fields["type"] = _type_name(fields["type"], lang)
        if "column" in fields:
            fields["column"] = number(int(fields["column"]), lang)
        return gettext(lang, msgid).format(**fields)
    return text


def ingest_error(exc: IngestError, lang: str) -> str:
    """Where (file, line, field) and what, as ``IngestError`` says it, in ``lang``."""
    where = [gettext(lang, "file {file}").format(file=exc.path)]
    if exc.line is not None:
        where.append(gettext(lang, "line {line}").format(line=number(exc.line, lang)))
    if exc.field is not None:
        where.append(gettext(lang, "field {field}").format(field=repr(exc.field)))
    return f"{', '.join(where)}: {message(exc.message, lang)}"
