"""Data model: followthemoney schemata (with cupula's extensions), markings, statements."""

from cupula.model.marking import Marking, MarkingError
from cupula.model.schemata import get_model, get_schema
from cupula.model.statement import Statement, make_statement

__all__ = ["Marking", "MarkingError", "Statement", "get_model", "get_schema", "make_statement"]
