"""Run a range of daily partitions as one Dagster run, recorded in the local instance, and say
what it did."""

from __future__ import annotations

import json
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from dagster import (
    AssetKey,
    AssetMaterialization,
    AssetsDefinition,
    DagsterEventType,
    DagsterRunStatus,
    Definitions,
    EventLogEntry,
)

from orchestration.assets import WAREHOUSE_POOL
from orchestration.dbt_args import FULL_REFRESH_TAG
from orchestration.jobs import RANGE_JOB_NAME
from orchestration.materialization_metadata import QUERY_ID_KEY, ROWS_AFFECTED_KEY
from orchestration.model_selection import SELECTION_SYNTAX, SelectionError, check_selection
from orchestration.partition_rows import ROWS_KEY
from orchestration.partitions import target_range_for_keys
from orchestration.pool_slots import cli_run_tags, wait_for_pool
from orchestration.run_errors import root_cause
from orchestration.settings import Settings

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass
class AssetOutcome:
    """What a run did to one asset: the partitions materialized (a set: a retried step reports
    them again) and the rows it holds in them (each day's `td/rows`, or the rebuilt table's)."""

    partitions: set[str] = field(default_factory=set)
    rows_by_partition: dict[str, int] = field(default_factory=dict)
    rows: int | None = None
    query_id: str | None = None

    @property
    def total_rows(self) -> int | None:
        return sum(self.rows_by_partition.values()) if self.rows_by_partition else self.rows


@dataclass
class RunSummary:
    """What one CLI run did, for its summary: the run's Dagster status, the partition keys
    first..last (local dates in `timezone`), the assets materialized (name -> outcome), the
    planned assets that were not (a model that failed or was skipped), checks by outcome
    (`asset:check`), and each failed step's root cause (run_errors.root_cause)."""

    run_id: str
    status: str
    first_key: str
    last_key: str
    timezone: str
    assets: dict[str, AssetOutcome] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_built: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == DagsterRunStatus.SUCCESS.value and not self.checks_failed

    @property
    def loaded_all(self) -> bool:
        """True when every asset the run planned was materialized: a run that failed on a dbt test
        after its models built has loaded its days (its checks say what is wrong with them)."""
        if self.status == DagsterRunStatus.SUCCESS.value:
            return True
        return bool(self.assets) and not self.not_built

    def render(self, elapsed_seconds: float) -> str:
        days = "day" if self.first_key == self.last_key else "days"
        span = self.first_key if self.first_key == self.last_key else f"{self.first_key}..{self.last_key}"
        # Dagster marks a run whose models all built SUCCESS even when checks failed; the CLI exits
        # 1 then, so the heading says so rather than leading with a bare SUCCESS.
        failed = len(self.checks_failed)
        checks_note = f", {failed} check{'s' if failed != 1 else ''} failed" if failed else ""
        lines = [
            f"Run {self.run_id}: {self.status}{checks_note} in {elapsed_seconds:.0f} s",
            f"  {'loaded' if self.loaded_all else 'tried to load'} {days} {span} "
            f"({self.timezone}) as target_range {target_range_for_keys(self.first_key, self.last_key)}",
        ]
        for name in sorted(self.assets):
            outcome = self.assets[name]
            count = len(outcome.partitions)
            what = f"{count} partition{'s' if count != 1 else ''}" if count else "rebuilt"
            rows = f"{outcome.total_rows:,} rows" if outcome.total_rows is not None else ""
            query = f"query {outcome.query_id}" if outcome.query_id else ""
            lines.append(f"  {name:<28} {what:<14} {rows:<16} {query}".rstrip())
        lines += [f"  {name:<28} not built" for name in self.not_built]
        total = len(self.checks_passed) + len(self.checks_failed)
        lines.append(f"  checks: {len(self.checks_passed)} of {total} passed")
        lines += [f"    FAILED {name}" for name in self.checks_failed]
        for error in self.errors:
            first, *more = error.splitlines()
            lines.append(f"  error: {first}")
            lines += [f"         {line}" for line in more]
        return "\n".join(lines)


def asset_outcomes(materializations: Iterable[AssetMaterialization]) -> dict[str, AssetOutcome]:
    """Asset name -> what the run did to it. A step retried after transient trouble reports its
    partitions again: each partition counts once, with its latest row count."""
    outcomes: dict[str, AssetOutcome] = defaultdict(AssetOutcome)
    for materialization in materializations:
        outcome = outcomes[materialization.asset_key.to_user_string()]
        metadata = materialization.metadata
        if materialization.partition:
            outcome.partitions.add(materialization.partition)
            if ROWS_KEY in metadata:
                outcome.rows_by_partition[materialization.partition] = metadata[ROWS_KEY].value
        elif ROWS_AFFECTED_KEY in metadata:
            outcome.rows = metadata[ROWS_AFFECTED_KEY].value
        if QUERY_ID_KEY in metadata:
            outcome.query_id = metadata[QUERY_ID_KEY].value
    return dict(outcomes)


def run_partition_range(
    settings: Settings,
    first_key: str,
    last_key: str,
    full_refresh: bool = False,
    select: str | None = None,
    on_event: Callable[[EventLogEntry], None] | None = None,
    dagster_log_level: str = "WARNING",
    tags: Mapping[str, str] | None = None,
) -> RunSummary:
    """Execute the load_and_test job over first..last (one dbt invocation for the range), for the
    dbt resources `select` names (dbt selection syntax) or all of them; `tags` go on the run.

    `on_event` is called with each event the run records, as it is recorded (the CLI's progress);
    `dagster_log_level` is the level of Dagster's console logger (its per-event lines).
    """
    from orchestration.code_location import build_definitions
    from orchestration.instance import local_instance
    from orchestration.project import refresh_manifest
    from orchestration.warehouse import prepare_warehouse

    prepare_warehouse(settings)  # fail fast (key, engine) before parsing
    project = refresh_manifest(settings)  # edits made since the last parse count
    definitions = build_definitions(settings)
    asset_selection = None
    if select is not None:
        asset_selection = selected_asset_keys(
            definitions, select, json.loads(project.manifest_path.read_text())
        )
    job = definitions.resolve_job_def(RANGE_JOB_NAME)
    run_tags = {**(tags or {}), RANGE_START_TAG: first_key, RANGE_END_TAG: last_key, **cli_run_tags()}
    if full_refresh:
        run_tags[FULL_REFRESH_TAG] = "true"
    run_id = str(uuid.uuid4())  # Dagster's run ids are UUID4s; known here so events can be followed
    with local_instance() as instance:
        if on_event is not None:
            instance.add_event_listener(run_id, on_event)
        wait_for_pool(
            instance, WAREHOUSE_POOL, say=lambda line: print(f"td-dagster: {line}", file=sys.stderr)
        )
        result = job.execute_in_process(
            instance=instance,
            run_id=run_id,
            tags=run_tags,
            asset_selection=asset_selection,
            raise_on_error=False,
            # Dagster's per-event lines would bury the progress: shown with -v only.
            run_config={"loggers": {"console": {"config": {"log_level": dagster_log_level}}}},
        )
        summary = RunSummary(
            run_id=result.run_id,
            status=result.dagster_run.status.value,
            first_key=first_key,
            last_key=last_key,
            timezone=job.partitions_def.timezone,
        )
        summary.assets = asset_outcomes(
            event.event_specific_data.materialization for event in result.get_asset_materialization_events()
        )
        # The plan is recorded as run-level events, which the in-process result does not hold.
        planned = {
            entry.dagster_event.event_specific_data.asset_key.to_user_string()
            for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
        }
        # dbt models that failed or were skipped after a failure get no event of their own.
        summary.not_built = sorted(planned - set(summary.assets))
        for evaluation in result.get_asset_check_evaluations():
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            (summary.checks_passed if evaluation.passed else summary.checks_failed).append(name)
        summary.errors = [
            root_cause(event.event_specific_data.error)
            for event in result.all_events
            if event.is_step_failure and event.event_specific_data and event.event_specific_data.error
        ]
    return summary


def selected_asset_keys(definitions: Definitions, select: str, manifest: dict) -> list[AssetKey]:
    """The dbt assets a dbt selection string names; SelectionError (before any SQL) if it names
    an unknown model or nothing at all."""
    from dagster_dbt import build_dbt_asset_selection
    from dbt_common.exceptions import DbtBaseException

    from orchestration.assets import DBT_ASSETS_NAMES

    check_selection(select, manifest)
    dbt_defs = [
        assets
        for assets in definitions.assets or []
        if isinstance(assets, AssetsDefinition) and assets.node_def.name in DBT_ASSETS_NAMES
    ]
    graph = definitions.get_repository_def().asset_graph
    # dagster-dbt resolves a selection against one dbt definition at a time: take the union.
    with _dbt_events_silenced():
        try:
            keys = sorted(
                {
                    key
                    for assets in dbt_defs
                    for key in build_dbt_asset_selection([assets], dbt_select=select).resolve(graph)
                },
                key=str,
            )
        except DbtBaseException as error:
            # Resolving reads only the manifest (no SQL), so whatever dbt raises here is about the
            # selection: `@x+`, `test_type:x`, `resource_type:x`, `state:`/`result:` (which need
            # artifacts of an earlier dbt run that `td-dagster run` does not pass).
            raise SelectionError(
                f"--select {select!r}: dbt rejects it: {_dbt_message(error)}. {SELECTION_SYNTAX}"
            ) from None
        except Exception as error:  # the same kind, raised outside dbt's exceptions
            # Still only the manifest is read. dbt's path method raises NotImplementedError for an
            # absolute path (`path:/etc`); dagster-dbt raises AttributeError for a selection of
            # tests by name (`test_name:unique`), which selects no model.
            raise SelectionError(
                f"--select {select!r} cannot be resolved to the project's models "
                f"({type(error).__name__}: {error}); select models, seeds or snapshots (their tests "
                f"run with them), with relative paths. {SELECTION_SYNTAX}"
            ) from None
    if not keys:
        raise SelectionError(
            f"--select {select!r} selects no model, seed or snapshot of the project: check the "
            "selector with `dbt ls --select ...` in the dbt project"
        )
    return keys


def _dbt_message(error: Exception) -> str:
    """dbt's message without the `Runtime Error` heading its exceptions put first, on one line."""
    text = getattr(error, "msg", None) or str(error)
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip()).rstrip(".")


@contextmanager
def _dbt_events_silenced() -> Iterator[None]:
    """dbt's in-process selector fires its warnings ("The selection criterion 'tag:mart' does not
    match any enabled nodes") through dbt's default stdout logger: with colour codes, once per dbt
    definition, even with -q. The CLI says what matters itself (SelectionError), so dbt's loggers
    are detached while dagster-dbt resolves the selection."""
    from dbt_common.events.event_manager_client import get_event_manager

    manager = get_event_manager()
    loggers, manager.loggers = list(manager.loggers), []
    try:
        yield
    finally:
        manager.loggers = loggers
