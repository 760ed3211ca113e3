"""validate-feed: a provider checks its feed before publishing, through the pipeline's own code."""

from pipelines.validate_feed.check import check_source, validate_feed
from pipelines.validate_feed.fixes import suggest_fix
from pipelines.validate_feed.render import render_report
from pipelines.validate_feed.report import FeedReport, Finding, RecordReport
from pipelines.validate_feed.source import UsageError, parse_assignments, registry_formats

__all__ = [
    "FeedReport",
    "Finding",
    "RecordReport",
    "UsageError",
    "check_source",
    "parse_assignments",
    "registry_formats",
    "render_report",
    "suggest_fix",
    "validate_feed",
]
