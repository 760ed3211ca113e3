"""The report as text a provider reads: problems record by record, then the summary.

Everything that comes from the feed (ids, titles, values, reasons quoting them, the location) is
shown through `printable` or `repr`: a control or bidi character in an id cannot forge a line,
colour the terminal or reorder what is shown.
"""

from __future__ import annotations

from pipelines.lib.safe_text import bounded, printable
from pipelines.validate_feed.report import FeedReport, RecordReport

#: Longest record id shown (the record is found by its number anyway).
ID_LIMIT = 80


def _shown(value: str | None, limit: int = 80) -> str:
    if value is None:
        return "(empty)"
    return repr(bounded(value, limit))  # repr escapes every unprintable character


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _record_lines(record: RecordReport, state: str) -> list[str]:
    """A record's heading and its findings, everything from the feed escaped."""
    title = f"  {_shown(record.title, 60)}" if record.title else ""
    record_id = "None" if record.record_id is None else printable(record.record_id, ID_LIMIT)
    lines = [f"record #{record.record_index + 1}  id {record_id}{title}  [{state}]"]
    for finding in [*record.errors, *record.warnings]:
        value = "" if finding.value is None else f" = {_shown(finding.value)}"
        read_as = f" (read as {printable(finding.read_as, 200)})" if finding.read_as else ""
        cost = "; the value is dropped, the record kept" if finding.value_dropped else ""
        lines.append(
            f"  {finding.severity:<7}  {printable(finding.field)}{value}: "
            f"{printable(finding.reason, 300)}{read_as}{cost}"
        )
        lines.append(f"  {'':<7}  fix: {printable(finding.fix, 300)}")
    return lines


def render_report(report: FeedReport, all_records: bool = False) -> str:
    """The report a provider reads: problems record by record, then the summary."""
    lines = [
        f"Checking {printable(report.location)} (format {report.format}, "
        f"source {printable(report.source_id)})"
    ]
    if report.error and not report.records:
        lines.append(f"\nCANNOT CHECK: {printable(report.error)}")
        lines += [f"  warning: {printable(w)}" for w in report.feed_warnings]
        return "\n".join(lines) + "\n"
    lines += [f"  feed warning: {printable(w)}" for w in report.feed_warnings]
    lines.append("")
    quiet = 0
    for record in report.records:
        if not record.findings and not all_records:
            quiet += 1
            continue
        state = "rejected" if not record.accepted else "accepted"
        if record.accepted and record.dropped:
            state += f", {_count(len(record.dropped), 'value')} dropped"
        lines += _record_lines(record, state)
    if quiet:
        lines.append(f"({_count(quiet, 'record')} without errors or warnings not listed)")
    errors = sum(len(r.errors) for r in report.records)
    warnings = sum(len(r.warnings) for r in report.records)
    lines += [
        "",
        f"Records read {report.records_read}, accepted {report.records_accepted}, "
        f"rejected {report.records_rejected}; values dropped {report.values_dropped} "
        f"({_count(errors, 'error')}, {_count(warnings, 'warning')}; "
        f"{_count(report.pages, 'page')})",
    ]
    if report.elements:
        lines.append(
            f"Constitutive elements present in the {report.elements[0].of} accepted records:"
        )
        width = max(len(e.element) for e in report.elements)
        for element in report.elements:
            lines.append(
                f"  {element.element:<{width}}  {element.share:>5.0%}  "
                f"({element.present} of {element.of})"
            )
    if report.error:
        lines.append(f"\nFAILED: {printable(report.error)}")
    elif report.records_rejected or report.values_dropped:
        lost = []
        if report.records_rejected:
            lost.append(f"reject {report.records_rejected} of {report.records_read} records")
        if report.values_dropped:
            lost.append(f"drop {_count(report.values_dropped, 'value')} (keeping their records)")
        lines.append(f"\nFAILED: the pipeline would {' and '.join(lost)} (see above)")
    else:
        lines.append("\nOK: the pipeline would accept every record and every value")
    return "\n".join(lines) + "\n"
