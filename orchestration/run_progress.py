"""What a `td-dagster run` is doing, folded from the run's Dagster events into progress lines.

Pure: `RunProgress.apply` takes one `ProgressEvent` (the few fields of a Dagster event the display
needs, extracted by `progress_event`) and returns the lines to print, keeping the counts the bar
shows. How the lines reach the user (a live terminal display or plain lines) is terminal_output.py.

The events are the ones Dagster records for the run, so the progress is what the UI's run page
shows: ASSET_MATERIALIZATION_PLANNED / ASSET_CHECK_EVALUATION_PLANNED at the start (the totals),
then a materialization per model (per partition for the partitioned ones) and a check evaluation
per dbt test as dbt finishes each node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dagster import DagsterEventType, EventLogEntry

from orchestration.assets import PARTITIONED_ASSETS_NAME, SNAPSHOT_ASSETS_NAME, UNPARTITIONED_ASSETS_NAME
from orchestration.materialization_metadata import ROWS_AFFECTED_KEY
from orchestration.partition_rows import ROWS_KEY
from orchestration.partition_window_checks import CHECK_NAME as WINDOW_CHECK_NAME
from orchestration.run_errors import root_cause

#: dagster-dbt's metadata key for dbt's execution time of a node, in seconds.
DBT_DURATION_KEY = "Execution Duration"

PLANNED_MODEL, PLANNED_TEST = "planned_model", "planned_test"
STEP_STARTED, STEP_FAILED = "step_started", "step_failed"
MODEL_BUILT, MODEL_FAILED, TEST_RESULT = "model_built", "model_failed", "test_result"

_STEP_DESCRIPTIONS = {
    PARTITIONED_ASSETS_NAME: "dbt build of the partitioned models for {target_range}",
    UNPARTITIONED_ASSETS_NAME: "dbt build of the other models and seeds",
    SNAPSHOT_ASSETS_NAME: "dbt snapshot",
    "partition_window_checks": "counting each loaded window's rows in the warehouse",
}


@dataclass(frozen=True)
class ProgressEvent:
    """The part of one Dagster event the progress display reads.

    kind: one of the module's event kinds; asset: the asset key as a user string; check: the
    check (dbt test) name; passed: a check's outcome; metadata: plain values (rows, seconds).
    """

    kind: str
    asset: str | None = None
    partition: str | None = None
    check: str | None = None
    passed: bool | None = None
    step: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def progress_event(entry: EventLogEntry) -> ProgressEvent | None:
    """The ProgressEvent of a Dagster event log entry, or None for events the display ignores."""
    event = entry.dagster_event
    if event is None:
        return None
    data = event.event_specific_data
    kind = event.event_type
    if kind == DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
        return ProgressEvent(PLANNED_MODEL, asset=data.asset_key.to_user_string(), partition=data.partition)
    if kind == DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED:
        return ProgressEvent(PLANNED_TEST, asset=data.asset_key.to_user_string(), check=data.check_name)
    if kind == DagsterEventType.STEP_START:
        return ProgressEvent(STEP_STARTED, step=event.step_key)
    if kind == DagsterEventType.STEP_FAILURE:
        message = root_cause(data.error) if data and data.error else ""
        return ProgressEvent(STEP_FAILED, step=event.step_key, error=message)
    if kind == DagsterEventType.ASSET_MATERIALIZATION:
        materialization = data.materialization
        return ProgressEvent(
            MODEL_BUILT,
            asset=materialization.asset_key.to_user_string(),
            partition=materialization.partition,
            metadata={key: value.value for key, value in materialization.metadata.items()},
        )
    if kind == DagsterEventType.ASSET_FAILED_TO_MATERIALIZE:
        return ProgressEvent(MODEL_FAILED, asset=data.asset_key.to_user_string(), partition=data.partition)
    if kind == DagsterEventType.ASSET_CHECK_EVALUATION:
        return ProgressEvent(
            TEST_RESULT,
            asset=data.asset_key.to_user_string(),
            check=data.check_name,
            passed=data.passed,
            metadata={key: value.value for key, value in data.metadata.items()},
        )
    return None


@dataclass(frozen=True)
class ProgressLine:
    """One line of progress: `ok` is True (done), False (failed) or None (news, e.g. a step starts)."""

    text: str
    ok: bool | None = None


@dataclass
class RunProgress:
    """The counts and lines of one run over partition keys first..last (local dates)."""

    target_range: str
    planned_partitions: dict[str, set[str]] = field(default_factory=dict)
    planned_tests: set[tuple[str, str]] = field(default_factory=set)
    built: dict[str, set[str]] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    finished_models: set[str] = field(default_factory=set)
    finished_tests: set[tuple[str, str]] = field(default_factory=set)
    failures: int = 0

    @property
    def total(self) -> int:
        """Models and tests the run plans (the bar's length)."""
        return len(self.planned_partitions) + len(self.planned_tests)

    @property
    def completed(self) -> int:
        """Models and tests finished so far (failed ones too: the bar measures what is left)."""
        return len(self.finished_models) + len(self.finished_tests)

    def describe(self) -> str:
        """`3/7 models, 10/25 tests`: what the bar stands for."""
        return (
            f"{len(self.finished_models)}/{len(self.planned_partitions)} models, "
            f"{len(self.finished_tests)}/{len(self.planned_tests)} tests"
        )

    def apply(self, event: ProgressEvent) -> list[ProgressLine]:
        """Fold one event into the counts; the lines to print for it (often none)."""
        if event.kind == PLANNED_MODEL:
            partitions = self.planned_partitions.setdefault(event.asset, set())
            if event.partition:
                partitions.add(event.partition)
        elif event.kind == PLANNED_TEST:
            self.planned_tests.add((event.asset, event.check))
        elif event.kind == STEP_STARTED:
            template = _STEP_DESCRIPTIONS.get(event.step, "step {step}")
            return [ProgressLine(template.format(target_range=self.target_range, step=event.step))]
        elif event.kind == STEP_FAILED:
            self.failures += 1
            first_line = (event.error or "").strip().splitlines()[:1]
            reason = f": {first_line[0]}" if first_line else ""
            return [ProgressLine(f"{event.step} failed{reason}", ok=False)]
        elif event.kind == MODEL_BUILT:
            return self._model_built(event)
        elif event.kind == MODEL_FAILED and event.asset not in self.finished_models:
            self.failures += 1
            self.finished_models.add(event.asset)
            return [ProgressLine(f"{event.asset:<28} not built", ok=False)]
        elif event.kind == TEST_RESULT:
            self.finished_tests.add((event.asset, event.check))
            if not event.passed:
                self.failures += 1
            return [ProgressLine(_test_text(event), ok=bool(event.passed))]
        return []

    def _model_built(self, event: ProgressEvent) -> list[ProgressLine]:
        asset = event.asset
        days = self.built.setdefault(asset, set())
        rows = self.rows.setdefault(asset, {})
        if event.partition:
            days.add(event.partition)
            if ROWS_KEY in event.metadata:
                rows[event.partition] = int(event.metadata[ROWS_KEY])
        elif ROWS_AFFECTED_KEY in event.metadata:
            rows[""] = int(event.metadata[ROWS_AFFECTED_KEY])
        # A partitioned model reports each day; it is done when every planned day has come.
        waiting = self.planned_partitions.get(asset, set()) - days if event.partition else set()
        if waiting or asset in self.finished_models:
            return []
        self.finished_models.add(asset)
        what = f"{len(days)} day{'s' if len(days) != 1 else ''}" if event.partition else "rebuilt"
        count = f"{sum(rows.values()):,} rows" if rows else ""
        return [
            ProgressLine(f"{asset:<28} {what:<10} {count:>14}  {_seconds(event.metadata)}".rstrip(), ok=True)
        ]


def _test_text(event: ProgressEvent) -> str:
    name = f"{event.asset}:{event.check}" if event.check == WINDOW_CHECK_NAME else event.check
    verdict = "" if event.passed else "  FAILED"
    return f"test {name}{verdict}  {_seconds(event.metadata)}".rstrip()


def _seconds(metadata: dict[str, Any]) -> str:
    seconds = metadata.get(DBT_DURATION_KEY)
    return f"{float(seconds):.2f} s" if isinstance(seconds, int | float) else ""
