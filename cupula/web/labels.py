"""What the model names, in the reader's language: schemata, properties and values.

FtM's schemata carry English labels (``Person``/``People``, ``Birth date``); they are the
msgids of the Spanish catalog. Values of a country type (nationality, jurisdiction…) are
named from CLDR through Babel; enumerated values such as drugs and statuses come from the
catalog under the context ``value``; any other value is shown as it was loaded.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from jinja2 import Environment

from cupula.model.schemata import get_model, get_schema
from cupula.web.i18n import gettext, ngettext, number, pgettext

COUNTRY_TYPES = ("country",)


def schema_label(schema: str, lang: str, *, plural: bool = False) -> str:
    found = get_schema(schema)
    if found is None:
        return schema
    return gettext(lang, found.plural if plural else found.label)


def schema_labels(lang: str) -> dict[str, str]:
    """Every schema's label in ``lang``, by name (for the pages' scripts)."""
    return {name: schema_label(name, lang) for name in sorted(get_model().schemata)}


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


def install_filters(env: Environment) -> None:
    """The templates' words for the model and for figures; each takes the page's ``lang``:
    ``{{ entity.schema | schema_label(lang) }}``, ``{{ ngettext(lang, "{n} tie", "{n} ties",
    n) }}``, ``{{ _(lang, "max") }}``, ``{{ n | number(lang) }}``, ``{{ x | decimal(lang) }}``
    (two decimals: 0.70 in English, 0,70 in Spanish)."""
    filters: dict[str, Any] = {
        "schema_label": lambda name, lang, plural=False: schema_label(name, lang, plural=plural),
        "property_label": lambda prop, schema, lang: property_label(schema, prop, lang),
        "value_label": lambda value, schema, prop, lang: value_label(schema, prop, value, lang),
        "country_name": lambda code, lang: country_name(code, lang),
        "number": lambda value, lang: number(value, lang),
        "decimal": lambda value, lang, digits=2: format_decimal(
            value, format="0." + "0" * digits, locale=lang
        ),
    }
    env.filters.update(filters)
    env.globals.update({"_": gettext, "ngettext": ngettext, "schema_labels": schema_labels})
