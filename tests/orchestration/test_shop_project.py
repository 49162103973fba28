"""The code location over a second, independent TD dbt project (tests/shop_project): sources in two
TD databases, an ephemeral model, a custom schema, a typed 10,500-row seed, a timestamp and a check
snapshot, two td_window models and a table over them, on strict tdlocal.

One scripted history (module fixture) serves the tests: load two days as `td-dagster run` does,
change the seed and the sources, load the next day with the daily job, let the sensor take the
snapshots. The crash tests then fail each statement of a snapshot run in turn and check that the
next run ends exactly where the uninterrupted one did.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    RunRequest,
    build_run_status_sensor_context,
    instance_for_test,
)
from dbt.cli.main import dbtRunner

import tdlocal
from orchestration.jobs import DAILY_JOB_NAME, RANGE_JOB_NAME, SNAPSHOT_JOB_NAME
from orchestration.range_run import RANGE_END_TAG, RANGE_START_TAG
from orchestration.settings import Settings
from tdlocal.errors import TrinoError
from tdlocal.process import open_engine
from tests.td_projects import copy_user_project

from .conftest import query_tdlocal
from .test_definitions import describe

SHOP_PROJECT = Path(__file__).parents[1] / "shop_project"
TOKYO = ZoneInfo("Asia/Tokyo")
FIRST_NOW = datetime(2026, 11, 22, 3, 0, tzinfo=TOKYO)  # the first load's tick: loads up to 11-21
SECOND_NOW = datetime(2026, 11, 23, 3, 0, tzinfo=TOKYO)  # the next day's tick: loads 11-22
SEED_ROWS = 10_500


def tokyo(day: int, hour: int) -> int:
    return int(datetime(2026, 11, day, hour, tzinfo=TOKYO).timestamp())


class FaultInjector:
    """Serves the real engine, except that the next statement `fail_when` accepts fails, as a TD
    query that dies mid-run does. Records what each dbt run sent."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.fail_when: Callable[[str], bool] | None = None
        self.sent: list[str] = []

    def execute(self, sql: str, session: Any, query_id: str) -> Any:
        self.sent.append(sql)
        if self.fail_when is not None and self.fail_when(sql):
            self.fail_when = None
            raise TrinoError(f"injected failure of: {sql[:80]}", "GENERIC_INTERNAL_ERROR")
        return self.engine.execute(sql, session, query_id)

    def cancel(self, query_id: str) -> None:
        self.engine.cancel(query_id)


@dataclass
class Shop:
    """The running engine, the project copy, and what the tables held after each step."""

    port: int
    injector: FaultInjector
    settings: Settings
    definitions: Definitions
    instance: DagsterInstance
    results: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, dict[str, list[tuple]]] = field(default_factory=dict)

    def query(self, sql: str) -> list[tuple]:
        return query_tdlocal(self.port, sql, schema="shop")

    def rows(self, table: str) -> list[tuple]:
        return sorted(self.query(f"select * from {table}"), key=repr)

    def set_now(self, moment: datetime) -> None:
        self.injector.engine.clock.pinned = int(moment.timestamp())

    def dbt(self, *args: str) -> bool:
        """Run dbt in this process: a tenth of a subprocess's start-up, for the many crash-test runs."""
        project = str(self.settings.dbt_project_dir)
        command = [*args, "--project-dir", project, "--profiles-dir", project, "--quiet"]
        return dbtRunner().invoke(command).success


def create_sources(shop: Shop) -> None:
    """Orders in shop_raw, the customer dimension and its tier changes in crm_raw."""
    shop.query("create schema if not exists td.shop_raw")
    shop.query("create schema if not exists td.crm_raw")
    orders = ", ".join(
        f"('o{day}-{i}', 'c{i % 4}', 'SKU-{i:05d}', {i + 1}, {tokyo(day, 1 + 3 * i)})"
        for day in (19, 20, 21, 22)
        for i in range(6)
    )
    shop.query(
        f"create table td.shop_raw.orders as select * from (values {orders}) "
        "as t(order_id, customer_id, sku, quantity, time)"
    )
    shop.query(
        "create table td.crm_raw.customers as select * from (values ('c0', 'Ada', 'gold'), "
        "('c1', 'Ben', 'silver'), ('c2', 'Chie', 'bronze'), ('c3', 'Dan', 'silver')) "
        "as t(customer_id, customer_name, tier)"
    )
    # `changed_at` is when the tier changed, `time` when the nightly CRM export imported the row
    # (the next day): daily_tier_changes is partitioned by `changed_at`, so a load of days 20-21
    # holds the changes of those days, not the ones imported on them.
    changes = ", ".join(
        f"('{customer}', '{tier}', {tokyo(day, hour)}, {tokyo(day + 1, 2)})"
        for customer, tier, day, hour in (
            ("c1", "silver", 20, 9),
            ("c2", "bronze", 21, 10),
            ("c1", "gold", 22, 8),
        )
    )
    shop.query(
        f"create table td.crm_raw.tier_changes as select * from (values {changes}) "
        "as t(customer_id, new_tier, changed_at, time)"
    )


def change_seed_and_sources(shop: Shop, project_dir: Path) -> None:
    """A price change, a discontinued product, a new product; a tier change and a lost customer."""
    seed = project_dir / "seeds" / "product_catalog.csv"
    lines = seed.read_text().splitlines()
    assert lines[1].startswith("SKU-00000,") and lines[3].startswith("SKU-00002,")
    lines[1] = "SKU-00000,Product 0,599.00,2020-01-01,2026-11-22 10:00:00.000"
    del lines[3]
    lines.append("SKU-99999,New product,10.00,2026-11-22,2026-11-22 11:00:00.000")
    seed.write_text("\n".join(lines) + "\n")
    shop.query("delete from td.crm_raw.customers where customer_id in ('c1', 'c3')")
    shop.query(
        "insert into td.crm_raw.customers (customer_id, customer_name, tier) values ('c1', 'Ben', 'gold')"
    )


def copy_shop_project(destination: Path) -> Path:
    """The project as a user has it, elsewhere on disk, including this repository's td_dbt package."""
    return copy_user_project(SHOP_PROJECT, destination)


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Iterator[Shop]:
    root = tmp_path_factory.mktemp("shop")
    project_dir = copy_shop_project(root / "shop_project")
    engine = open_engine(root / "tdlocal", load_sample_when_fresh=False)
    injector = FaultInjector(engine)
    with pytest.MonkeyPatch.context() as env, instance_for_test() as instance:
        env.setenv("TDLOCAL_NOW", FIRST_NOW.isoformat())
        env.setenv("TD_PARTITION_START", "2026-11-01")
        env.setenv("TD_TIMEZONE", "Asia/Tokyo")
        env.setenv("DBT_PROJECT_DIR", str(project_dir))
        env.setenv("TDLOCAL_DATA_DIR", str(root / "tdlocal"))
        env.delenv("DBT_TARGET", raising=False)
        with tdlocal.start_in_thread(root / "tdlocal", engine=injector) as server:
            port = int(server.url.rsplit(":", 1)[1])
            env.setenv("TDLOCAL_PORT", str(port))
            settings = Settings.from_env()
            from orchestration.code_location import build_definitions

            shop = Shop(port, injector, settings, build_definitions(settings), instance)
            shop.set_now(FIRST_NOW)
            create_sources(shop)
            run_history(shop, project_dir)
            yield shop
    engine.close()


SNAPSHOT_TABLES = ("product_prices", "customer_tiers")


def run_history(shop: Shop, project_dir: Path) -> None:
    def record(step: str) -> None:
        shop.tables[step] = {
            name: shop.rows(name)
            for name in (
                "daily_orders",
                "daily_tier_changes",
                "shop_reporting.customer_activity",
                *SNAPSHOT_TABLES,
            )
        }

    # What `td-dagster run --range -2d` launches: both days, the rest, the snapshots, every test.
    shop.results["first load"] = shop.definitions.resolve_job_def(RANGE_JOB_NAME).execute_in_process(
        instance=shop.instance,
        tags={RANGE_START_TAG: "2026-11-20", RANGE_END_TAG: "2026-11-21"},
        raise_on_error=False,
    )
    record("first load")
    for table in SNAPSHOT_TABLES:  # the state the crash tests start each interrupted run from
        shop.query(f"create table {table}__before as select * from {table}")

    change_seed_and_sources(shop, project_dir)
    shop.set_now(SECOND_NOW)
    daily = shop.definitions.resolve_job_def(DAILY_JOB_NAME).execute_in_process(
        instance=shop.instance, partition_key="2026-11-22", raise_on_error=False
    )
    shop.results["daily load"] = daily
    # The sensor sees the daily run succeed and asks for the snapshot job.
    sensor = next(
        s for s in shop.definitions.get_repository_def().sensor_defs if s.name == "snapshots_after_daily_load"
    )
    success = next(e for e in daily.all_events if e.event_type == DagsterEventType.RUN_SUCCESS)
    context = build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=success,
        dagster_instance=shop.instance,
        dagster_run=daily.dagster_run,
    )
    shop.results["sensor"] = sensor(context)
    shop.results["snapshots"] = shop.definitions.resolve_job_def(SNAPSHOT_JOB_NAME).execute_in_process(
        instance=shop.instance, raise_on_error=False
    )
    record("after the change")


def test_the_first_load_materialises_both_days_of_both_partitioned_models(shop):
    result = shop.results["first load"]
    assert result.success
    partitions = sorted(
        (event.asset_key.to_user_string(), event.partition)
        for event in result.get_asset_materialization_events()
        if event.partition
    )
    assert partitions == [
        ("daily_orders", "2026-11-20"),
        ("daily_orders", "2026-11-21"),
        ("daily_tier_changes", "2026-11-20"),
        ("daily_tier_changes", "2026-11-21"),
    ]
    orders = shop.tables["first load"]["daily_orders"]
    assert sorted({row[4] for row in orders}) == ["2026-11-20", "2026-11-21"]  # order_date
    assert len(orders) == 12
    changes = shop.tables["first load"]["daily_tier_changes"]
    assert sorted((row[0], row[1], row[2]) for row in changes) == [
        ("c1", "Ben", "silver"),
        ("c2", "Chie", "bronze"),
    ]


def test_the_table_model_lands_in_its_custom_schema_and_reads_both_partitioned_models(shop):
    activity = {row[0]: row for row in shop.tables["after the change"]["shop_reporting.customer_activity"]}
    # c1 ordered on days 20, 21 and 22 (order i % 4 == 1) and changed tier twice.
    assert activity["c1"][1:4] == (6, 2 + 6 + 2 + 6 + 2 + 6, 2)  # orders, units, tier changes


def test_the_typed_seed_loads_every_row_with_its_declared_types(shop):
    types = dict(
        shop.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'shop' and table_name = 'product_catalog'"
        )
    )
    assert types["list_price"] == "decimal(10,2)"
    assert types["launched_on"] == "date"
    assert types["updated_at"] == "timestamp(3)"
    assert shop.query("select count(*) from product_catalog") == [(SEED_ROWS,)]  # after the change: -1 +1
    (first,) = shop.query("select list_price, launched_on from product_catalog where sku = 'SKU-00001'")
    assert str(first[0]) == "804.75" and first[1].isoformat() == "2020-01-02"
    assert AssetKey("product_catalog") in {
        event.asset_key for event in shop.results["first load"].get_asset_materialization_events()
    }


SHOP_SNAPSHOT = Path(__file__).parent / "snapshots" / "shop_definitions.json"


def test_the_shop_definitions_match_their_snapshot(shop):
    # Seeds, snapshots, an ephemeral model, a custom schema and dbt tests as checks: every key,
    # group, partitioning, automation condition and job of a second project stays as committed.
    # Regenerate after an intended change with UPDATE_SNAPSHOTS=1.
    current = describe(shop.definitions)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SHOP_SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SHOP_SNAPSHOT.read_text())


def test_seeds_and_snapshots_are_assets_in_their_own_groups(shop):
    graph = shop.definitions.get_repository_def().asset_graph
    assert graph.get(AssetKey("product_catalog")).group_name == "seeds"
    assert graph.get(AssetKey("product_prices")).group_name == "snapshots"
    assert graph.get(AssetKey("customer_tiers")).group_name == "snapshots"
    assert graph.get(AssetKey("daily_orders")).partitions_def is not None
    assert graph.get(AssetKey("customer_tiers")).partitions_def is None
    # The ephemeral model is no asset: its source is a direct dependency of the model using it.
    assert {key.to_user_string() for key in graph.get(AssetKey("daily_tier_changes")).parent_keys} == {
        "crm_raw/tier_changes",
        "crm_raw/customers",
    }


def test_the_daily_load_triggers_the_snapshots_and_their_tests_run_as_checks(shop):
    assert shop.results["daily load"].success
    request = shop.results["sensor"]
    assert isinstance(request, RunRequest), request
    snapshots = shop.results["snapshots"]
    assert snapshots.success
    assert {
        event.asset_key.to_user_string() for event in snapshots.get_asset_materialization_events()
    } == set(SNAPSHOT_TABLES)
    checks = {
        (evaluation.asset_key.to_user_string(), evaluation.check_name): evaluation.passed
        for evaluation in snapshots.get_asset_check_evaluations()
    }
    assert checks == {
        ("product_prices", "unique_product_prices_dbt_scd_id"): True,
        ("customer_tiers", "unique_customer_tiers_dbt_scd_id"): True,
    }


def test_the_timestamp_snapshot_records_the_price_change_the_deletion_and_the_new_product(shop):
    history = {}
    for row in shop.query(
        "select sku, list_price, dbt_valid_from, dbt_valid_to from product_prices "
        "where sku in ('SKU-00000', 'SKU-00001', 'SKU-00002', 'SKU-99999') order by sku, dbt_valid_from"
    ):
        history.setdefault(row[0], []).append((str(row[1]), row[3] is None))
    assert history == {
        "SKU-00000": [("607.87", False), ("599.00", True)],  # old price closed, new price current
        "SKU-00001": [("804.75", True)],  # unchanged
        "SKU-00002": [("490.30", False)],  # deleted from the seed: closed (invalidate_hard_deletes)
        "SKU-99999": [("10.00", True)],
    }
    assert shop.query("select count(*) from product_prices") == [(SEED_ROWS + 2,)]


def test_the_check_snapshot_records_the_tier_change_and_the_deleted_customer(shop):
    rows = shop.query(
        "select customer_id, tier, dbt_is_deleted, dbt_valid_to is null from customer_tiers "
        "order by customer_id, dbt_valid_from, dbt_is_deleted"
    )
    assert rows == [
        ("c0", "gold", "False", True),
        ("c1", "silver", "False", False),
        ("c1", "gold", "False", True),
        ("c2", "bronze", "False", True),
        ("c3", "silver", "False", False),
        ("c3", "silver", "True", True),  # hard_deletes: new_record
    ]


def _verb(sql: str) -> str:
    """The statement's first keyword, after dbt's /* query comment */."""
    return re.sub(r"^\s*/\*.*?\*/", "", sql, flags=re.S).split(None, 1)[0].lower()


def _snapshot_write(table: str) -> Callable[[str], bool]:
    """Statements that write the snapshot's tables. Failing a read needs no case of its own: dbt
    stops there having written nothing more, the state a failure of the next write leaves."""

    def writes(sql: str) -> bool:
        return table in sql and _verb(sql) in ("create", "insert", "delete", "drop", "alter")

    return writes


@pytest.mark.parametrize("table", SNAPSHOT_TABLES)
def test_a_snapshot_run_failing_at_any_write_loses_no_history_and_the_next_run_completes_it(shop, table):
    expected = shop.tables["after the change"][table]

    def restore() -> None:
        shop.query(f"drop table if exists {table}__td_pending")
        shop.query(f"drop table if exists {table}")
        shop.query(f"create table {table} as select * from {table}__before")

    restore()
    shop.injector.sent.clear()
    assert shop.dbt("snapshot", "--select", table)
    writes = [sql for sql in shop.injector.sent if _snapshot_write(table)(sql)]
    assert shop.rows(table) == expected  # the plain run matches the Dagster run
    # The pending table, the closed copies, the new rows, the open originals out, the pending table out.
    assert [_verb(sql) for sql in writes] == ["create", "insert", "insert", "delete", "drop"]

    failures = []
    for index, statement in enumerate(writes):
        restore()
        counter = iter(range(len(writes)))
        shop.injector.fail_when = lambda sql, counter=counter, index=index: (
            _snapshot_write(table)(sql) and next(counter) == index
        )
        if shop.dbt("snapshot", "--select", table) or shop.injector.fail_when is not None:
            failures.append(f"write {index} did not fail the run: {statement[:120]}")
            continue
        lost = shop.query(f"select dbt_scd_id from {table}__before except select dbt_scd_id from {table}")
        if lost:
            failures.append(f"failing write {index} lost versions {lost}: {statement[:120]}")
        if not shop.dbt("snapshot", "--select", table) or shop.rows(table) != expected:
            failures.append(f"after failing write {index} the next run did not complete: {statement[:120]}")
    shop.injector.fail_when = None
    assert failures == []
