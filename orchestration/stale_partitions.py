"""Which loaded days of the partitioned models are stale, and the runs that re-load them.

A model's day is stale when a source day its load read has been observed, after that load, with
a data version other than the one the load recorded (`td/source_versions`, fingerprinted just
before dbt ran). So:

- a day never loaded is not stale (loading it is a backfill's job);
- a change the load already saw is not stale (data arriving between the fingerprint and dbt's
  read is loaded but recorded with the older version: that day is re-loaded once more, never
  missed);
- a source day outside the observed window (TD_LATE_DATA_LOOKBACK_DAYS) is never compared;
- a day loaded before its loads recorded source versions is not compared until its next load.

A partitioned model reading a stale model (user_daily_activity reads incremental_events) is
stale on the days whose load read a stale day of it; and on the days whose load read a day of it
that was loaded again afterwards by another run (incremental_events materialized on its own from
the UI, after late rows): its rows were built from rows the parent no longer holds. Pure logic:
the instance is read in late_data.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from orchestration.partitions import KEY_FORMAT, parse_partition_key
from orchestration.source_fingerprints import ModelReads


@dataclass(frozen=True)
class Observed:
    """A source day's latest observation: its data version and event-log storage id (which
    orders it against materializations)."""

    data_version: str
    storage_id: int


@dataclass(frozen=True)
class Loaded:
    """A model day's latest materialization: its storage id, the source data versions its load
    recorded (source -> {day -> version}; None when the load recorded none), and its run's id."""

    storage_id: int
    source_versions: Mapping[str, Mapping[str, str]] | None
    run_id: str = ""


@dataclass(frozen=True)
class Reason:
    """Why a day is stale: `source` day `day` went from `loaded_version` to `observed_version`;
    or (upstream=True) the partitioned model `source` it reads is stale on `day` (and loads first);
    or (reloaded=True) that model's `day` was loaded again, by another run, after this day's load."""

    source: str
    day: str
    loaded_version: str = ""
    observed_version: str = ""
    upstream: bool = False
    reloaded: bool = False

    def __str__(self) -> str:
        if self.upstream:
            return f"reads {self.source} {self.day}, which is stale too"
        if self.reloaded:
            return f"reads {self.source} {self.day}, loaded again since"
        return f"{self.source} {self.day} changed ({_rows(self.loaded_version)} -> {_rows(self.observed_version)})"


def _rows(data_version: str) -> str:
    """The row count a fingerprint data version starts with (source_fingerprints.Fingerprint)."""
    count = data_version.split(":", 1)[0]
    return f"{count} row{'s' if count != '1' else ''}"


def stale_days(
    loaded: Mapping[str, Loaded], observed: Mapping[str, Mapping[str, Observed]]
) -> dict[str, list[Reason]]:
    """day -> why, for the loaded days (`loaded`: day -> Loaded) of one model whose recorded
    source versions differ from a later observation (`observed`: source -> day -> Observed).
    Sources or days missing from either side are not compared."""
    stale: dict[str, list[Reason]] = {}
    for day, load in sorted(loaded.items()):
        for source, versions in sorted((load.source_versions or {}).items()):
            for source_day, version in sorted(versions.items()):
                latest = observed.get(source, {}).get(source_day)
                if latest and latest.storage_id > load.storage_id and latest.data_version != version:
                    stale.setdefault(day, []).append(Reason(source, source_day, version, latest.data_version))
    return stale


def read_reloaded_parent_days(
    loaded: Mapping[str, Loaded],
    reads: ModelReads,
    parent_loads: Mapping[str, Mapping[str, Loaded]],
    names: Mapping[str, str],
) -> dict[str, list[Reason]]:
    """day -> why, for the loaded days (`loaded`: day -> Loaded) of one partitioned model (`reads`)
    whose load read a day of a partitioned parent that another run loaded again later.

    `parent_loads`: parent unique id -> day -> the day's latest Loaded; `names`: unique id -> the
    name a Reason shows. A parent day loaded by the run that loaded the model's day (one dbt build
    loads both, the parent first) is what the model read: not stale, whichever event came first.
    """
    stale: dict[str, list[Reason]] = {}
    for day, load in sorted(loaded.items()):
        for parent in reads.partitioned_parents:
            for read in reads.days_read(day):
                parent_load = parent_loads.get(parent, {}).get(read)
                if parent_load is None or parent_load.storage_id < load.storage_id:
                    continue
                if parent_load.run_id and parent_load.run_id == load.run_id:
                    continue
                stale.setdefault(day, []).append(Reason(names.get(parent, parent), read, reloaded=True))
    return stale


def with_downstream_models(
    stale: Mapping[str, Mapping[str, list[Reason]]],
    reads: Mapping[str, ModelReads],
    loaded_days: Mapping[str, Iterable[str]],
) -> dict[str, dict[str, list[Reason]]]:
    """`stale` (model unique id -> day -> reasons) plus the loaded days of partitioned models
    whose load read a stale day of a partitioned parent (`loaded_days`: model -> days loaded)."""
    result = {model: dict(days) for model, days in stale.items() if days}
    changed = True
    while changed:  # to a fixed point: chains of partitioned models are short
        changed = False
        for model, model_reads in reads.items():
            for day in sorted(loaded_days.get(model, ())):
                for parent in model_reads.partitioned_parents:
                    parent_days = result.get(parent, {})
                    reasons = [
                        Reason(reads[parent].name, read, upstream=True)
                        for read in model_reads.days_read(day)
                        if read in parent_days
                    ]
                    known = result.get(model, {}).get(day, [])
                    new = [reason for reason in reasons if reason not in known]
                    if new:
                        result.setdefault(model, {})[day] = known + new
                        changed = True
    return result


@dataclass(frozen=True)
class Reload:
    """One re-load run: partition keys first..last (one dbt invocation) of these models."""

    models: tuple[str, ...]
    first_key: str
    last_key: str


def reload_runs(stale_keys: Mapping[str, Iterable[str]]) -> list[Reload]:
    """The runs that re-load exactly the stale days (model -> keys): consecutive days with the
    same stale models are one run, so nothing that is not stale is re-loaded."""
    models_by_day: dict[str, set[str]] = {}
    for model, keys in stale_keys.items():
        for key in keys:
            models_by_day.setdefault(key, set()).add(model)
    runs: list[Reload] = []
    for day in sorted(models_by_day):
        models = tuple(sorted(models_by_day[day]))
        if runs and runs[-1].models == models and _next_day(runs[-1].last_key) == day:
            runs[-1] = Reload(models, runs[-1].first_key, day)
        else:
            runs.append(Reload(models, day, day))
    return runs


def _next_day(key: str) -> str:
    return (parse_partition_key(key) + timedelta(days=1)).strftime(KEY_FORMAT)
