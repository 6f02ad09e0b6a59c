"""Entity resolution: recognise the same person, company, account or vessel across
partners' records, explainably (scores in bits, feature by feature), reversibly
(judgements), and only from what each reader may see. See docs/resolution.md."""

from cupula.resolve.engine import Resolution, ResolveOptions, score_records
from cupula.resolve.judgements import Verdict, judge
from cupula.resolve.records import Record, make_record, records_of
from cupula.resolve.screening import read_list, screen
from cupula.resolve.service import Clusters, clusters_for, merged_entity, resolve_view

__all__ = [
    "Clusters",
    "Record",
    "Resolution",
    "ResolveOptions",
    "Verdict",
    "clusters_for",
    "judge",
    "make_record",
    "merged_entity",
    "read_list",
    "records_of",
    "resolve_view",
    "score_records",
    "screen",
]
