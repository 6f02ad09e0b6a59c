"""followthemoney entities as JSON lines (one entity object per line)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from followthemoney.util import sanitize_text

from cupula.ingest.errors import IngestError
from cupula.ingest.fragment import Fragment
from cupula.ingest.limits import MAX_JSON_LINE_BYTES, check_count, check_value
from cupula.ingest.text import Progress, iter_raw_lines, no_progress
from cupula.model.schemata import get_model
from cupula.store.tables import MAX_ID_LENGTH

# Types whose values analyses rely on (references, time, places, amounts): a value
# FtM cannot read is an error. For other types (phones, identifiers, free text) a
# value FtM cannot normalise is kept as the partner wrote it, as FtM itself does.
STRICT_TYPES = frozenset({"entity", "date", "country", "number"})


TEXT_TYPES = frozenset({"name", "string", "text", "identifier"})
ISO_DATE = re.compile(r"^[12]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
COUNTRY_CODES = frozenset(registry.country.codes)


def already_clean(type_name: str, value: str) -> bool:
    """True when FtM's cleaning would return ``value`` unchanged (a cheap test).

    Most values in FtM exports are canonical already; testing that is a tenth of the
    cost of cleaning them. Anything not plainly canonical goes through FtM's cleaner.
    """
    if not value:
        return False
    if type_name in TEXT_TYPES:
        return (
            value.isprintable()
            and value == value.strip()
            and "  " not in value
            and (type_name != "name" or (value[:1] not in "'\"" and value[-1:] not in "'\""))
            and unicodedata.is_normalized("NFC", value)
        )
    if type_name == "date":
        if ISO_DATE.match(value) is None:
            return False
        if len(value) == 10:
            try:
                date.fromisoformat(value)
            except ValueError:
                return False
        return True
    if type_name == "country":
        return value in COUNTRY_CODES
    if type_name == "entity":
        return registry.entity.validate(value)
    return False


def read_ftm_json(path: Path, *, progress: Progress = no_progress) -> Iterator[Fragment]:
    """Validate and yield each entity; any bad line stops the load with its line number."""
    for number, raw in iter_raw_lines(path, progress, MAX_JSON_LINE_BYTES):
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise IngestError(path, f"broken JSON: {exc}", line=number) from None
        if not isinstance(data, dict):
            raise IngestError(path, "expected a JSON object (one entity per line)", line=number)
        entity = entity_from_dict(data, path=path, line=number)
        yield Fragment(
            entity,
            f"{path.name}:{number}",
            _seen(data, "first_seen", path, number),
            _seen(data, "last_seen", path, number),
        )


def _seen(data: dict[str, Any], key: str, path: Path, line: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or registry.date.clean(value[:10]) is None:
        raise IngestError(path, f"{value!r} is not an ISO date/time", line=line, field=key)
    return value


def entity_from_dict(data: dict[str, Any], *, path: Path, line: int) -> EntityProxy:
    """A checked, cleaned entity from FtM's JSON form; errors name the field."""
    model = get_model()
    entity_id = data.get("id")
    if (
        not isinstance(entity_id, str)
        or len(entity_id) > MAX_ID_LENGTH
        or not registry.entity.validate(entity_id)
    ):
        raise IngestError(
            path,
            f"{str(entity_id)[:80]!r} is not a valid entity id (letters, digits, '.' and '-', "
            f"at most {MAX_ID_LENGTH} characters)",
            line=line,
            field="id",
        )
    schema_name = data.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        raise IngestError(path, f"unknown schema {schema_name!r}", line=line, field="schema")
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise IngestError(path, "must be an object", line=line, field="properties")
    entity = model.make_entity(schema)
    entity.id = entity_id
    total = 0
    for name, values in properties.items():
        field = f"properties.{name}"
        prop = schema.get(name)
        if prop is None:
            raise IngestError(
                path, f"schema {schema.name} has no property {name!r}", line=line, field=field
            )
        if prop.stub:
            raise IngestError(
                path,
                f"{name!r} is a reverse property; state it on the other entity",
                line=line,
                field=field,
            )
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            raise IngestError(path, "must be a list of strings", line=line, field=field)
        # Before any value is added: FtM compares each new value with those held.
        check_count(len(values), path=path, line=line, field=field)
        total += len(values)
        check_count(total, path=path, line=line, field="properties", per_entity=True)
        for value in values:
            if not isinstance(value, str):
                raise IngestError(path, f"{value!r:.80} is not a string", line=line, field=field)
            check_value(prop.type.name, value, path=path, line=line, field=field)
            if not value.strip():
                continue
            if prop.format is None and already_clean(prop.type.name, value):
                entity.unsafe_add(prop, value, cleaned=True)
                continue
            cleaned = prop.type.clean(value, proxy=entity, format=prop.format)
            if cleaned is None:
                as_written = sanitize_text(value)  # less control characters
                if as_written is None:
                    continue  # nothing but blanks and control characters: an empty value
                if prop.type.name not in STRICT_TYPES:
                    cleaned = as_written
            if cleaned is None:
                raise IngestError(
                    path,
                    f"{value!r:.200} is not a valid {prop.type.name}",
                    line=line,
                    field=field,
                )
            entity.unsafe_add(prop, cleaned, cleaned=True)
    return entity
