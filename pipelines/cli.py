"""Command line: `python -m pipelines run` aggregates once (recorded in the Dagster instance of
DAGSTER_HOME, so `make ui` shows the run); `summary` describes the catalogue; `query` runs SQL
on it; `validate-feed` checks a provider's feed; `confirm-drop` lets a held source's drop through;
`export-elm` writes the catalogue, or one country of it, as ELM learning opportunities (Europass).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from pipelines.defs.resources import catalogue_dir_from_env, registry_path_from_env
from pipelines.lib.safe_text import csv_text, json_printable, printable, printable_table
from schemas.formats import FORMATS

EXAMPLE_QUERY = (
    "SELECT provider_country, count(*) AS n, round(avg(ects), 1) AS avg_ects, "
    "round(avg(completeness), 2) AS completeness FROM microcredentials GROUP BY ALL ORDER BY n DESC"
)


#: Exit statuses of `run` (README, "Running it").
EXIT_HEALTHY, EXIT_FAILED, EXIT_DEGRADED = 0, 1, 3
WORKSPACE = Path(__file__).resolve().parents[1] / "workspace.yaml"
JOB = "aggregate_catalogue"


def create_run_in_code_location(instance, tags: dict[str, str]):
    """A run of the job built as the UI builds one, from the workspace's code location: it
    shows in the job's Runs, the Overview timeline, and can be re-executed from the UI."""
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    target = WorkspaceFileTarget([str(WORKSPACE)])
    with WorkspaceProcessContext(instance, target) as process:
        workspace = process.create_request_context()
        (entry,) = workspace.get_code_location_entries().values()
        if entry.code_location is None:
            error = entry.load_error.message if entry.load_error else "unknown error"
            raise RuntimeError(
                f"the code location {entry.origin.location_name} failed to load: {error}"
            )
        location = entry.code_location
        (repository,) = location.get_repositories().values()
        job = repository.get_full_job(JOB)
        plan = location.get_execution_plan(job, run_config, None, None, instance=instance)
        return instance.create_run(
            job_name=JOB,
            run_id=None,
            run_config=run_config,
            resolved_op_selection=None,
            step_keys_to_execute=None,
            op_selection=None,
            status=None,
            root_run_id=None,
            parent_run_id=None,
            tags={**job.tags, **tags},
            job_snapshot=job.job_snapshot,
            execution_plan_snapshot=plan.execution_plan_snapshot,
            parent_job_snapshot=job.parent_job_snapshot,
            remote_job_origin=job.get_remote_origin(),
            job_code_origin=job.get_python_origin(),
            asset_selection=None,
            asset_check_selection=None,
            asset_graph=repository.asset_graph,
        )


def _print_failure(instance, run_id: str, before: str | None) -> None:
    from dagster import DagsterEventType

    from pipelines.publish.release import published_release

    for record in instance.get_records_for_run(
        run_id, of_type=DagsterEventType.STEP_FAILURE
    ).records:
        event = record.event_log_entry.dagster_event
        error = event.event_specific_data.error
        cause = error.cause.message if error.cause else error.message
        message = printable(cause.strip(), 2000, keep_newlines=True)
        print(f"{event.step_key}: {message}", file=sys.stderr)
    after = published_release(catalogue_dir_from_env())
    if after == before:
        where = f"the published catalogue was left as it was ({before or 'none yet'})"
    else:
        where = f"release {after} was published before the failure"
    print(
        f"The aggregation run {run_id} failed and {where}; see the Dagster UI (make ui) for the "
        "step logs.",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> int:
    """Aggregate once in this process, as a run of the code location; exit 0 when healthy, 3
    when published with failed, held or empty sources, 1 when the run failed."""
    from dagster import DagsterInstance
    from dagster._core.execution.api import execute_run
    from dagster._utils.hosted_user_process import recon_job_from_origin

    from pipelines.defs import runs
    from pipelines.publish.release import published_release

    before = published_release(catalogue_dir_from_env())
    tags = {runs.TRIGGER: runs.COMMAND_LINE, runs.REGISTRY: str(registry_path_from_env())}
    with DagsterInstance.get() as instance:
        dagster_run = create_run_in_code_location(instance, tags)
        result = execute_run(
            recon_job_from_origin(dagster_run.job_code_origin), dagster_run, instance
        )
        if not result.success:
            _print_failure(instance, dagster_run.run_id, before)
            return EXIT_FAILED
    status = summary(args)
    return status if status else _verdict(dagster_run.run_id)


def _verdict(run_id: str) -> int:
    """The last line: healthy, or which sources were lost (cron and CI read the status)."""
    database = catalogue_dir_from_env() / "catalogue.duckdb"
    con = duckdb.connect(str(database), read_only=True)
    try:
        lost = con.execute(
            "SELECT CASE WHEN status IN ('failed', 'held') THEN status ELSE 'empty' END AS problem, "
            "string_agg(source_id, ', ' ORDER BY source_id), count(*) FROM latest_feed_status "
            "WHERE status IN ('failed', 'held') OR records_read = 0 GROUP BY problem ORDER BY problem"
        ).fetchall()
    finally:
        con.close()
    if not lost:
        print(f"\nHEALTHY: every source read (run {run_id}); exit status {EXIT_HEALTHY}")
        return EXIT_HEALTHY
    said = "; ".join(f"{n} {problem}: {printable(names, 200)}" for problem, names, n in lost)
    print(
        f"\nDEGRADED: published, but sources were lost ({said}); their last good records are "
        f"kept (run {run_id}); exit status {EXIT_DEGRADED}"
    )
    return EXIT_DEGRADED


def _summary_figures(database) -> tuple[list, tuple, int, int]:
    """Per source of the latest run, the catalogue's totals, records rejected, values dropped."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_id, status, records_read, records_accepted, records_rejected, "
            "values_dropped, coalesce(error, '') FROM latest_feed_status ORDER BY source_id"
        ).fetchall()
        total = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'active'), count(DISTINCT provider_country), "
            "count(*) FILTER (WHERE status = 'withdrawn'), "
            "coalesce(sum(source_count - 1) FILTER (WHERE status = 'active'), 0), "
            "count(*) FILTER (WHERE status = 'active' AND provider_country IS NULL) "
            "FROM microcredentials"
        ).fetchone()
        rejected, dropped = con.execute(
            "SELECT count(DISTINCT (source_id, record_index)) FILTER (WHERE severity = 'error'), "
            "count(*) FILTER (WHERE severity = 'warning') FROM rejects"
        ).fetchone()
    finally:
        con.close()
    return rows, total, rejected, dropped


def summary(args: argparse.Namespace) -> int:
    directory = catalogue_dir_from_env()
    database = directory / "catalogue.duckdb"
    if not database.exists():
        print(f"No catalogue at {database} yet: run `make run`.", file=sys.stderr)
        return 1
    rows, total, rejected, dropped = _summary_figures(database)
    print(f"\nRegistry:  {registry_path_from_env()}")
    print(
        f"{'source':<28} {'status':<10} {'read':>6} {'accepted':>9} {'rejected':>9} "
        f"{'dropped':>8}  error"
    )
    for source_id, status, read, accepted, records_rejected, values_dropped, error in rows:
        print(
            f"{printable(source_id):<28} {printable(status):<10} {read:>6} {accepted:>9} "
            f"{records_rejected:>9} {values_dropped:>8}  {printable(error, 60)}"
        )
    print(
        f"\nCatalogue: {total[0]} micro-credentials from {total[1]} countries "
        f"({total[3]} duplicate records merged, {total[2]} withdrawn kept); "
        f"{rejected} records rejected, {dropped} values dropped (rejects, severity warning)"
    )
    if total[4]:
        print(
            f"  {total[4]} of them from providers whose country neither the feed nor the "
            "registry states: provider_country=unknown (never guessed)"
        )
    print(f"  DuckDB:  {database}")
    print(
        f"  Parquet: {directory / 'parquet'}  (microcredentials/ partitioned by provider_country)"
    )
    _print_reports(directory)
    print("  Runs, asset checks and per-source metadata: make ui  (http://127.0.0.1:3000)")
    print("\nTry (any DuckDB client works too):")
    print(f'  make query SQL="{EXAMPLE_QUERY}"')
    print(
        '  make query SQL="SELECT source_id, source_record_id, field, reason, value, severity '
        'FROM rejects"'
    )
    print(
        '  make query SQL="SELECT left_source_id, left_source_record_id, right_source_id, '
        'right_source_record_id, weight, title, url, ects FROM matches WHERE merged"'
    )
    return 0


def _print_reports(directory: Path) -> None:
    reports = directory / "reports" / (directory / "parquet").resolve().name / "index.html"
    if reports.exists():
        print(f"  Reports: {reports}  (a report per provider; the overview with charts)")
    europass = directory / "export" / "elm"
    if europass.exists():
        print(f"  Europass: {europass}  (ELM learning opportunities, one document per country)")


def query(args: argparse.Namespace) -> int:
    """The result as a table on the terminal (every control and bidi character in a value
    shown as an escape), or with --csv as a CSV file a spreadsheet opens without running a
    formula from a feed."""
    database = catalogue_dir_from_env() / "catalogue.duckdb"
    if not database.exists():
        print(f"No catalogue at {database} yet: run `make run`.", file=sys.stderr)
        return 1
    con = duckdb.connect(str(database), read_only=True)
    try:
        relation = con.sql(args.sql)
        if relation is None:  # a statement without a result
            return 0
        if args.csv:
            with open(args.csv, "w", encoding="utf-8", newline="") as out:
                out.write(csv_text(relation.df()))
            print(f"wrote {args.csv}")
            return 0
        table = relation.arrow()
        table = table.read_all() if hasattr(table, "read_all") else table
        con.from_arrow(printable_table(table)).show(max_width=200, max_rows=100)
    except duckdb.Error as exc:
        print(f"query failed: {printable(str(exc), 2000)}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def validate_feed_command(args: argparse.Namespace) -> int:
    """Exit 0 when the pipeline would accept every record, 1 when a record would be rejected
    or the feed cannot be read, 2 for a command line that cannot be used."""
    from pipelines.validate_feed import (
        UsageError,
        parse_assignments,
        render_report,
        validate_feed,
    )

    try:
        report = validate_feed(
            args.feed,
            feed_format=args.format,
            mapping=parse_assignments(args.mapping, "--mapping"),
            options=parse_assignments(args.option, "--option"),
            values=parse_assignments(args.values, "--values"),
            defaults=parse_assignments(args.default, "--default"),
            provider=args.provider,
            country=args.country,
            registry_path=args.registry,
            source_id=args.source,
        )
    except UsageError as exc:
        args.parser.error(str(exc))
    if args.json:
        print(json_printable(json.dumps(report.as_dict(), ensure_ascii=False, indent=2)))
    else:
        print(render_report(report, all_records=args.all), end="")
    if args.json and report.error:
        print(f"validate-feed: {printable(report.error)}", file=sys.stderr)
    return report.exit_status


def confirm_drop_command(args: argparse.Namespace) -> int:
    from pipelines.defs.resources import CatalogueSettings
    from schemas.registry import RegistryError

    settings = CatalogueSettings.from_env()
    try:
        known = {s.id for s in settings.registry().sources}
    except RegistryError as exc:
        print(exc, file=sys.stderr)
        return 1
    unknown = sorted(set(args.source) - known)
    if unknown:
        args.parser.error(f"not sources of {settings.registry_path}: {', '.join(unknown)}")
    confirmations = settings.drop_confirmations()
    for source_id in args.source:
        confirmations.confirm(source_id)
    print(f"Confirmed: the next run applies {', '.join(args.source)} as read.")
    return 0


def export_elm_command(args: argparse.Namespace) -> int:
    """Exit 0 when the document is written (and valid, with --xsd), 1 when there is no
    catalogue or the schema finds it invalid, 2 for a command line that cannot be used."""
    from pipelines.codes.lookups import country_code
    from pipelines.export.elm import export_elm, schema_errors, write_document
    from pipelines.publish.release import read_published

    country = None
    if args.country:
        country = country_code(args.country)
        if country is None:
            args.parser.error(f"--country {args.country!r} is not an ISO 3166-1 country")
    tables = read_published(catalogue_dir_from_env(), ["microcredentials"])
    if "microcredentials" not in tables:
        print(f"No catalogue in {catalogue_dir_from_env()} yet: run `make run`.", file=sys.stderr)
        return 1
    export = export_elm(tables["microcredentials"], country)
    path = write_document(export.document, Path(args.out))
    scope = f"country {country}" if country else "the whole catalogue"
    print(f"{len(export.exported)} learning opportunities of {scope} written to {path}")
    if len(export.excluded):
        print(f"{len(export.excluded)} not exported (ELM requires what they lack):")
        for row in export.excluded.itertuples(index=False):
            print(f"  {row.credential_id}  {printable(row.title, 100)}")
            for reason in row.reasons:
                print(f"      {printable(reason)}")
    if args.xsd:
        errors = schema_errors(export.document, Path(args.xsd))
        if errors:
            shown = [printable(e, 300) for e in errors[:20]]
            print(f"INVALID against {args.xsd}:", *shown, sep="\n  ", file=sys.stderr)
            return 1
        print(f"Valid against {args.xsd}")
    return 0


def _validate_feed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "feed", nargs="?", help="file or http(s) URL (default with --source: the source's url)"
    )
    parser.add_argument("--format", choices=FORMATS, help="the feed's format")
    parser.add_argument(
        "--mapping",
        action="append",
        metavar="FIELD=PATH",
        help="canonical field and where it is in a record, or how it is computed: "
        "'FIELD={sql: ...}' (repeatable)",
    )
    parser.add_argument(
        "--values",
        action="append",
        metavar="FIELD={...}",
        help="a crosswalk: the feed's values of FIELD and their canonical values, e.g. "
        "'participation_form={Distance learning: online}' (repeatable)",
    )
    parser.add_argument(
        "--default",
        action="append",
        metavar="FIELD=VALUE",
        help="a value for a field the feed leaves empty, e.g. credit_unit=SCQF (repeatable)",
    )
    parser.add_argument(
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="a format option, e.g. delimiter=';' or records=data.items (repeatable)",
    )
    parser.add_argument("--registry", help="a registry YAML file (with --source)")
    parser.add_argument("--source", help="check against this source's configuration")
    parser.add_argument("--provider", help="provider name, when the feed does not name it")
    parser.add_argument("--country", help="provider country (ISO 3166-1), likewise")
    parser.add_argument("--json", action="store_true", help="a machine-readable report")
    parser.add_argument("--all", action="store_true", help="list records without problems too")


def build_parser() -> argparse.ArgumentParser:
    """Every command, its arguments and its choices, in one place."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, function, help: str, description: str | None = None):
        sub = commands.add_parser(name, help=help, description=description or help)
        sub.set_defaults(function=function, parser=sub)
        return sub

    command("run", run, "aggregate the registry (CATALOGUE_REGISTRY) into CATALOGUE_DIR")
    command("summary", summary, "describe the published catalogue")
    query_command = command("query", query, "run SQL on catalogue.duckdb")
    query_command.add_argument("sql", nargs="?", default=EXAMPLE_QUERY, help="the SQL to run")
    query_command.add_argument(
        "--csv", metavar="FILE", help="write the result to FILE as CSV (formula-safe)"
    )
    _validate_feed_arguments(
        command(
            "validate-feed",
            validate_feed_command,
            "check a feed before publishing it",
            "Check a feed before publishing it: every record the catalogue pipeline would "
            "reject, and every constitutive element missing, with a suggested fix.",
        )
    )
    command(
        "confirm-drop",
        confirm_drop_command,
        "let the next run apply a held source's smaller feed",
        "A source that suddenly returns far fewer records is held (its last good records "
        "kept, feed_status 'held'). Confirm that the drop is real: the next run applies it and "
        "withdraws the records that are gone.",
    ).add_argument("source", nargs="+", help="source id(s) from the registry")
    export = command(
        "export-elm",
        export_elm_command,
        "write the catalogue as ELM learning opportunities (Europass LOQ XML)",
        "Write the published catalogue, or one country of it, as ELM v3 learning opportunities "
        "(LOQ XML, as Europass takes them); rows lacking what the ELM schema requires are "
        "listed with the reasons, not written.",
    )
    export.add_argument("out", help="the XML file to write")
    export.add_argument("--country", help="ISO 3166-1 code of the country to export (default: all)")
    export.add_argument(
        "--xsd",
        help="validate the document against this ELM schema (loq.xsd with cv/ and external/)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return args.function(args)
