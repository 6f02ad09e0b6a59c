"""What the model names, in the reader's language: schemata, properties and values.

FtM's schemata carry English labels (``Person``/``People``, ``Birth date``); they are the
msgids of the Spanish catalog. Values of a country type (nationality, jurisdiction…) are
named from CLDR through Babel; enumerated values such as drugs and statuses come from the
catalog under the context ``value``; any other value is shown as it was loaded.
"""

from __future__ import annotations

from babel import Locale

from cupula.model.schemata import get_schema
from cupula.web.i18n import gettext, pgettext

COUNTRY_TYPES = ("country",)


def schema_label(schema: str, lang: str, *, plural: bool = False) -> str:
    found = get_schema(schema)
    if found is None:
        return schema
    return gettext(lang, found.plural if plural else found.label)


def property_label(schema: str, prop: str, lang: str) -> str:
    found = get_schema(schema)
    described = found.get(prop) if found is not None else None
    return gettext(lang, described.label) if described is not None else prop


def country_name(code: str, lang: str) -> str:
    """A country code as the reader names the country; an unknown code as it is."""
    name = Locale.parse(lang).territories.get(code.upper())
    return str(name) if name else code


def value_label(schema: str, prop: str, value: str, lang: str) -> str:
    found = get_schema(schema)
    described = found.get(prop) if found is not None else None
    if described is not None and described.type.name in COUNTRY_TYPES:
        return country_name(value, lang)
    return pgettext(lang, "value", value)
