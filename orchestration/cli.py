"""`td-dagster`: load TD_INTERVAL ranges from the command line, inspect them, lint the project.

td-dagster run --range -7d          # the 7 complete days before today, one run, then tests
td-dagster run --partition 2026-11-22
td-dagster run --range -3d --select user_daily_activity+   # a dbt selection only
td-dagster run --range -7d -v       # also dbt's full output and Dagster's events (-q: summary only)
td-dagster ranges -7d               # the partition keys and target_range a range maps to
td-dagster lint [--format json]     # what TD would reject or scan in full (exit 1)
td-dagster status --days 14         # loaded / missing / failed days per partitioned model
td-dagster stale                    # observe the sources; the days whose source rows changed
td-dagster doctor                   # connect to the target and say what it sees (key masked)
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import sys
import warnings
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from orchestration.dbt_packages import TdDbtHooksMissing
from orchestration.model_selection import SelectionError
from orchestration.partitions import (
    PartitionRangeError,
    daily_partitions_def,
    full_refresh_problem,
    keys_within_definition,
    no_partitions_yet,
    parse_partition_key,
    partition_keys_for_interval,
    target_range_for_keys,
)
from orchestration.settings import Settings, SettingsError
from orchestration.terminal_output import Verbosity, configure_logging
from orchestration.warehouse import reference_now
from tdtime import TdTimeError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_keep_negative_ranges(sys.argv[1:] if argv is None else list(argv)))
    configure_logging(_verbosity(args))
    if _verbosity(args) < Verbosity.VERBOSE:
        # The late-data observations use Dagster's beta observable_source_asset on purpose
        # (late_data.py says why); its BetaWarning on every command tells a user nothing to do.
        from dagster import BetaWarning

        warnings.filterwarnings("ignore", category=BetaWarning)
    from dagster_dbt.errors import DagsterDbtCliRuntimeError

    from orchestration.unreachable_warehouse import (
        WarehouseUnreachable,
        is_connection_failure,
        is_dbt_connection_failure,
    )
    from tdlocal.process import PortInUseError, TdlocalStartError

    try:
        return args.handler(args)
    except WarehouseUnreachable as error:
        return _unreachable(args, error, str(error))
    except (PartitionRangeError, TdTimeError, SettingsError, SelectionError, TdDbtHooksMissing) as error:
        print(f"td-dagster: {error}", file=sys.stderr)
        return 2
    except (PortInUseError, TdlocalStartError) as error:
        print(f"td-dagster: cannot start tdlocal: {error}", file=sys.stderr)
        return 2
    except DagsterDbtCliRuntimeError as error:
        # dbt itself failed outside a run (lint's compile, a parse): its own errors say why.
        if is_dbt_connection_failure(str(error)):  # dbt could not reach the warehouse
            return _unreachable(args, error, _unreachable_text(error))
        reasons = [line.strip() for line in str(error).splitlines() if line.strip()][-3:]
        print(f"td-dagster: dbt failed: {' | '.join(reasons)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("td-dagster: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        # A connection failure raised where no query wraps it (warehouse.fetch_rows does): the same
        # one line. Anything else is a bug, and its traceback is what to report.
        if not is_connection_failure(error):
            raise
        return _unreachable(args, error, _unreachable_text(error))


def _unreachable(args: argparse.Namespace, error: BaseException, line: str) -> int:
    """Print a connection failure as one `td-dagster: ...` line (the traceback first with -v); exit 1,
    as `doctor` and a failed `run` exit."""
    if _verbosity(args) >= Verbosity.VERBOSE:
        import traceback

        from orchestration.warehouse import masked_key

        key = os.environ.get("TD_API_KEY", "").strip()
        text = "".join(traceback.format_exception(error))
        print(text.replace(key, masked_key(key)) if key else text, file=sys.stderr, end="")
        print(f"td-dagster: {line}", file=sys.stderr)
    else:
        print(f"td-dagster: {line} (run the command again with -v for the full error)", file=sys.stderr)
    return 1


def _unreachable_text(error: BaseException) -> str:
    from orchestration.unreachable_warehouse import unreachable
    from orchestration.warehouse import endpoint

    settings = Settings.from_env()
    return str(unreachable(settings, endpoint(settings), str(error), os.environ.get("TD_API_KEY", "")))


def console_main() -> None:
    """The `td-dagster` console script: main() on sys.argv, then exit with its code without tearing
    the interpreter down.

    A run leaves Dagster's, dagster-dbt's and dbt-core's modules and definitions in memory, and
    Python's own teardown (freeing each module's objects, one by one) costs about a second of CPU
    after the output is complete (measured: benchmarks/orchestration_bench.py, P2). The exit
    handlers of the libraries still run: this one is registered first, so it runs last.
    """
    code = 1  # an exception escaping main() (its traceback printed) exits 1, as Python does

    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    atexit.register(leave)
    try:
        code = main()
    except SystemExit as exit_request:  # argparse's --help (0) and usage errors (2)
        status = exit_request.code
        code = status if isinstance(status, int) else (0 if status is None else 1)
        raise
    sys.exit(code)


_LOOKS_LIKE_RANGE = re.compile(r"-[0-9]+[A-Za-z]")


def _keep_negative_ranges(argv: list[str]) -> list[str]:
    """argparse reads `-7d` as an option; bind it to --range, or mark it positional for `ranges`."""
    result: list[str] = []
    positional: list[str] = []
    for index, token in enumerate(argv):
        previous = argv[index - 1] if index else None
        if _LOOKS_LIKE_RANGE.match(token) and previous == "--range":
            result[-1] = f"--range={token}"
        elif _LOOKS_LIKE_RANGE.match(token) and previous == "ranges":
            positional = ["--", token]  # after every option
        else:
            result.append(token)
    return result + positional


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="td-dagster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="load a range of daily partitions in one run, then the marts and tests"
    )
    which = run.add_mutually_exclusive_group()
    which.add_argument(
        "--range", dest="interval", help="a TD_INTERVAL covering whole days, e.g. -7d or -3d/2026-11-20"
    )
    which.add_argument("--partition", help="one partition key, e.g. 2026-11-22")
    which.add_argument(
        "--stale",
        action="store_true",
        help="observe the sources, then re-load exactly the days whose source rows changed",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from scratch; the partitioned ones from every partition (no --range)",
    )
    run.add_argument(
        "--select",
        help="only these dbt resources, in dbt selection syntax (e.g. user_daily_activity+, tag:marts)",
    )
    loudness = run.add_mutually_exclusive_group()
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help="also show dbt's full output and Dagster's events"
    )
    loudness.add_argument("-q", "--quiet", action="store_true", help="only the summary and errors")
    run.set_defaults(handler=_run)

    ranges = commands.add_parser("ranges", help="print the partition keys and target_range of a TD_INTERVAL")
    ranges.add_argument("interval", help="a TD_INTERVAL string covering whole days, e.g. -7d")
    ranges.set_defaults(handler=_ranges)

    lint = commands.add_parser(
        "lint", help="report what TD would reject or scan in full, per model (exit 1 if anything is found)"
    )
    lint.add_argument("--format", choices=("text", "json"), default="text", help="json: one array, for CI")
    _add_verbose(lint)
    lint.set_defaults(handler=_lint)

    status = commands.add_parser(
        "status", help="per partitioned model, which recent days are loaded, missing, failed or running"
    )
    status.add_argument("--days", type=int, default=30, help="how many recent days to show (default 30)")
    status.add_argument("--format", choices=["text", "json"], default="text", help="json for scripts")
    status.add_argument(
        "--verify",
        action="store_true",
        help="also compare each loaded day's rows in the warehouse with its load",
    )
    _add_verbose(status)
    status.set_defaults(handler=_status)

    stale = commands.add_parser(
        "stale", help="observe the TD sources, then print the loaded days whose source rows changed"
    )
    _add_verbose(stale)
    stale.set_defaults(handler=_stale)

    doctor = commands.add_parser(
        "doctor", help="check the connection: target, endpoint, key (masked), databases, leftover stages"
    )
    _add_verbose(doctor)
    doctor.set_defaults(handler=_doctor)
    return parser


def _add_verbose(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-v", "--verbose", action="store_true", help="on a failure, also the full error and Dagster's events"
    )


def _verbosity(args: argparse.Namespace) -> Verbosity:
    if getattr(args, "verbose", False):
        return Verbosity.VERBOSE
    return Verbosity.QUIET if getattr(args, "quiet", False) else Verbosity.NORMAL


def resolve_keys(interval: str | None, partition: str | None, now: datetime) -> list[str]:
    """The partition keys a --range or --partition names, checked against the partitions definition.

    `run` and `ranges` both call this, so `ranges` refuses exactly what `run` would refuse.
    """
    partitions = daily_partitions_def()
    if partition is not None:
        parse_partition_key(partition)
        keys = [partition]
    else:
        keys = partition_keys_for_interval(interval, now, partitions.timezone)
    return keys_within_definition(keys, partitions, now)


def all_partition_keys(now: datetime) -> list[str]:
    """Every partition key, first to last, at `now` (what a full refresh must rebuild)."""
    from dagster import partition_loading_context

    partitions = daily_partitions_def()
    with partition_loading_context(effective_dt=now):
        keys = partitions.get_partition_keys()
    if not keys:
        raise no_partitions_yet(partitions, now)
    return keys


def _ranges(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    now = reference_now(settings)
    partitions = daily_partitions_def()
    keys = resolve_keys(args.interval, None, now)
    print(
        f"{args.interval!r} at {now.astimezone(ZoneInfo(partitions.timezone)).isoformat()} ({partitions.timezone}):"
    )
    print(f"  partitions:   {keys[0]}..{keys[-1]} ({len(keys)} day{'s' if len(keys) != 1 else ''})")
    print(f"  target_range: {target_range_for_keys(keys[0], keys[-1])}")
    if len(keys) <= 31:
        print(f"  keys:         {', '.join(keys)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.cli_run import run_and_report

    settings = Settings.from_env()
    if args.stale:
        from orchestration.stale_command import run_stale

        if args.full_refresh or args.select:
            raise PartitionRangeError(
                "--stale re-loads the stale days of the stale models: drop --full-refresh/--select"
            )
        return run_stale(settings, verbosity=_verbosity(args))
    now = reference_now(settings)
    if args.interval is None and args.partition is None:
        if not args.full_refresh:
            raise PartitionRangeError(
                "say which days to load: --range -7d, --partition 2026-11-22, or --full-refresh for all"
            )
        keys = all_partition_keys(now)
    else:
        keys = resolve_keys(args.interval, args.partition, now)
    if args.full_refresh and (
        problem := full_refresh_problem(keys[0], keys[-1], daily_partitions_def(), now)
    ):
        raise PartitionRangeError(problem)
    return run_and_report(
        settings, keys, full_refresh=args.full_refresh, select=args.select, verbosity=_verbosity(args)
    )


def _lint(args: argparse.Namespace) -> int:
    from orchestration.project_lint import lint_project

    # dbt's subprocess echoes lines (the trino client's log) that would corrupt the JSON: the
    # findings alone go to stdout.
    with contextlib.redirect_stdout(sys.stderr):
        findings = lint_project(Settings.from_env())
    if args.format == "json":
        print(json.dumps([finding.to_json() for finding in findings], indent=2))
    else:
        for finding in findings:
            print(finding)
    if findings:
        print(f"td-dagster lint: {len(findings)} problem{'s' if len(findings) != 1 else ''}", file=sys.stderr)
        return 1
    if args.format == "text":
        print("td-dagster lint: no problems (every TD read is time-filtered, every model fits TD)")
    return 0


def _status(args: argparse.Namespace) -> int:
    import json

    from orchestration.partition_status import as_json, read_statuses, recent_keys, render
    from orchestration.status_verification import verify_statuses

    if not 0 < args.days <= 3660:
        raise PartitionRangeError(f"--days {args.days} is not a number of days from 1 to 3660")
    settings = Settings.from_env()
    partitions = daily_partitions_def()
    keys = recent_keys(partitions, reference_now(settings), args.days)
    if not keys:
        raise no_partitions_yet(partitions, reference_now(settings))
    from orchestration.code_location import partitioned_relations
    from orchestration.instance import local_instance
    from orchestration.project import dbt_project

    relations = partitioned_relations(dbt_project(settings))
    with local_instance() as instance:
        statuses = read_statuses(
            instance, sorted(relations, key=lambda key: key.to_user_string()), partitions, keys
        )
        if args.verify:
            verify_statuses(instance, settings, statuses, relations, partitions.timezone)
        _mark_stale_days(instance, settings, statuses, partitions)
    if args.format == "json":
        print(json.dumps(as_json(statuses, partitions.timezone), indent=2))
    else:
        print(render(statuses, partitions.timezone))
    return 0


def _mark_stale_days(instance, settings: Settings, statuses, partitions) -> None:
    """Mark the loaded days whose sources changed after their load, as of the latest observation
    (what `td-dagster stale` observes afresh; this reads the instance only, no query)."""
    from orchestration.late_data import find_stale, watched_sources
    from orchestration.partition_status import mark_stale
    from orchestration.project import dbt_project
    from orchestration.stale_command import project_manifest

    project = dbt_project(settings)
    report = find_stale(
        instance,
        watched_sources(project, project_manifest(project)),
        partitions,
        reference_now(settings),
        settings.late_data_lookback_days,
    )
    stale_by_model = {key.to_user_string(): days for key, days in report.stale.items()}
    for status in statuses:
        mark_stale(status, stale_by_model.get(status.model, {}))


def _stale(args: argparse.Namespace) -> int:
    from orchestration.stale_command import print_stale

    return print_stale(Settings.from_env(), verbosity=_verbosity(args))


def _doctor(args: argparse.Namespace) -> int:
    from orchestration.connection_check import check_connection

    report = check_connection(Settings.from_env())
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    console_main()
