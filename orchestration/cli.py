"""`td-dagster`: load TD_INTERVAL ranges from the command line, inspect them, lint the project.

td-dagster run --range -7d          # the 7 complete days before today, one run, then tests
td-dagster run --partition 2026-11-22
td-dagster run --range -3d --select user_daily_activity+   # a dbt selection only
td-dagster ranges -7d               # the partition keys and target_range a range maps to
td-dagster lint [--format json]     # what TD would reject or scan in full (exit 1)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from orchestration.model_selection import SelectionError
from orchestration.partitions import (
    PartitionRangeError,
    daily_partitions_def,
    keys_within_definition,
    parse_partition_key,
    partition_keys_for_interval,
    target_range_for_keys,
)
from orchestration.settings import Settings, SettingsError
from tdtime import TdTimeError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_keep_negative_ranges(sys.argv[1:] if argv is None else list(argv)))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("trino").setLevel(logging.WARNING)  # "keyring module not found", on every import
    try:
        return args.handler(args)
    except (PartitionRangeError, TdTimeError, SettingsError, SelectionError) as error:
        print(f"td-dagster: {error}", file=sys.stderr)
        return 2


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
            positional = ["--", token]  # after every option, so `ranges -7d --partial-days` works
        else:
            result.append(token)
    return result + positional


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="td-dagster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="load a range of daily partitions in one run, then the marts and tests"
    )
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--range", dest="interval", help="a TD_INTERVAL covering whole days, e.g. -7d or -3d/2026-11-20"
    )
    which.add_argument("--partition", help="one partition key, e.g. 2026-11-22")
    run.add_argument(
        "--full-refresh", action="store_true", help="rebuild the models from these partitions only"
    )
    run.add_argument(
        "--select",
        help="only these dbt resources, in dbt selection syntax (e.g. user_daily_activity+, tag:marts)",
    )
    run.set_defaults(handler=_run)

    ranges = commands.add_parser("ranges", help="print the partition keys and target_range of a TD_INTERVAL")
    ranges.add_argument("interval", help="a TD_INTERVAL string, e.g. -7d")
    ranges.add_argument("--partial-days", action="store_true", help="include days the range only touches")
    ranges.set_defaults(handler=_ranges)

    lint = commands.add_parser(
        "lint", help="report what TD would reject or scan in full, per model (exit 1 if anything is found)"
    )
    lint.add_argument("--format", choices=("text", "json"), default="text", help="json: one array, for CI")
    lint.set_defaults(handler=_lint)
    return parser


def reference_now(settings: Settings) -> datetime:
    """ "Now" for relative ranges: tdlocal's pinned clock (TDLOCAL_NOW) on the local target, else the wall clock."""
    if settings.uses_tdlocal:
        from tdlocal.clock import pinned_now_from_environment

        pinned = pinned_now_from_environment()
        if pinned is not None:
            return datetime.fromtimestamp(pinned, UTC)
    return datetime.now(UTC)


def resolve_keys(
    interval: str | None, partition: str | None, now: datetime, partial_days: bool = False
) -> list[str]:
    """The partition keys a --range or --partition names, checked against the partitions definition."""
    partitions = daily_partitions_def()
    if partition is not None:
        parse_partition_key(partition)
        keys = [partition]
    else:
        keys = partition_keys_for_interval(
            interval, now, partitions.timezone, include_partial_days=partial_days
        )
    return keys_within_definition(keys, partitions, now)


def _ranges(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    now = reference_now(settings)
    partitions = daily_partitions_def()
    keys = partition_keys_for_interval(
        args.interval, now, partitions.timezone, include_partial_days=args.partial_days
    )
    print(
        f"{args.interval!r} at {now.astimezone(ZoneInfo(partitions.timezone)).isoformat()} ({partitions.timezone}):"
    )
    print(f"  partitions:   {keys[0]}..{keys[-1]} ({len(keys)} day{'s' if len(keys) != 1 else ''})")
    print(f"  target_range: {target_range_for_keys(keys[0], keys[-1])}")
    if len(keys) <= 31:
        print(f"  keys:         {', '.join(keys)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.range_run import run_partition_range

    settings = Settings.from_env()
    keys = resolve_keys(args.interval, args.partition, reference_now(settings))
    started = time.monotonic()
    summary = run_partition_range(
        settings, keys[0], keys[-1], full_refresh=args.full_refresh, select=args.select
    )
    print(summary.render(elapsed_seconds=time.monotonic() - started))
    return 0 if summary.succeeded else 1


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


if __name__ == "__main__":
    sys.exit(main())
