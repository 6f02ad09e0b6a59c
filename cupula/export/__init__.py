"""Exports of what a view holds: FtM JSON lines, statements CSV, GEXF and GraphML."""

from cupula.export.handling import Audience
from cupula.export.writers import EXPORT_FORMATS, export

__all__ = ["EXPORT_FORMATS", "Audience", "export"]
