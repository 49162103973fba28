"""The contract: the unchanged dbt-trino adapter runs a whole dbt workflow against tdlocal.

tests/tdlocal/contract_project uses stock dbt-trino on purpose (a view, MERGE snapshots, system.metadata
joins, rename-swaps), which TD rejects, so it runs against a lenient server; against a strict
server the same view model fails with TD's own message. dbt runs in-process (dbtRunner): each
invocation costs about a second once dbt is imported, instead of a fresh interpreter's ~6 s.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trino
from dbt.cli.main import dbtRunner, dbtRunnerResult

import tdlocal

CONTRACT_PROJECT = Path(__file__).resolve().parents[1] / "contract_project"
SEED_CUSTOMERS = 4
SEED_EVENTS = 6


class Dbt:
    """Runs dbt commands on the contract project against one tdlocal server."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.runner = dbtRunner()

    def __call__(self, *arguments: str) -> dbtRunnerResult:
        return self.runner.invoke(
            [
                *arguments,
                "--project-dir",
                str(CONTRACT_PROJECT),
                "--profiles-dir",
                str(CONTRACT_PROJECT),
                "--target-path",
                str(self.work_dir / "target"),
                "--log-path",
                str(self.work_dir / "logs"),
            ]
        )


def failures(result: dbtRunnerResult) -> list[str]:
    """What went wrong in a dbt invocation, for assertion messages."""
    problems = [repr(result.exception)] if result.exception else []
    for node in getattr(result.result, "results", None) or []:
        if str(node.status) not in {"success", "pass"}:
            problems.append(f"{node.node.name}: {node.status}: {node.message}")
    return problems


def row_count(url: str, table: str) -> int:
    host, port = url.split("://")[1].rsplit(":", 1)
    cursor = trino.dbapi.connect(
        host=host, port=int(port), user="checker", catalog="td", schema="contract"
    ).cursor()
    cursor.execute(f"select count(*) from {table}")
    return cursor.fetchone()[0]


def test_stock_dbt_trino_workflow_is_green_against_lenient_tdlocal(tmp_path: Path, monkeypatch) -> None:
    statements = tmp_path / "statements.jsonl"
    with tdlocal.start_in_thread(
        tmp_path / "data", strict=False, load_sample_when_fresh=False, log_statements=statements
    ) as server:
        monkeypatch.setenv("TDLOCAL_CONTRACT_PORT", str(server.port))
        dbt = Dbt(tmp_path)

        first = dbt("build")  # seed, run, test, snapshot
        assert first.success, failures(first)
        assert row_count(server.url, "customers_table") == SEED_CUSTOMERS
        assert row_count(server.url, "customers_view") == 3
        assert row_count(server.url, "events_append") == SEED_EVENTS
        assert row_count(server.url, "events_delete_insert") == SEED_EVENTS
        assert row_count(server.url, "customers_snapshot") == SEED_CUSTOMERS

        second = dbt("build")  # incrementals run again; the snapshot now MERGEs
        assert second.success, failures(second)
        assert row_count(server.url, "events_append") == 2 * SEED_EVENTS
        assert row_count(server.url, "events_delete_insert") == SEED_EVENTS
        assert row_count(server.url, "customers_snapshot") == SEED_CUSTOMERS

        docs = dbt("docs", "generate")
        assert docs.success, failures(docs)
        catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
        table = catalog["nodes"]["model.tdlocal_contract.customers_table"]
        assert set(table["columns"]) == {"id", "name", "signup_date", "score", "active"}
        assert table["columns"]["score"]["type"] == "decimal(6,2)"

        shown = dbt("show", "--select", "customers_table")
        assert shown.success, failures(shown)
        preview = shown.result.results[0].agate_table
        assert len(preview.rows) == SEED_CUSTOMERS

    logged = [json.loads(line) for line in statements.read_text().splitlines()]
    sent = " ".join(entry["sql"].lower() for entry in logged)
    assert "execute immediate" in sent  # seeds
    assert "merge into" in sent  # snapshot
    assert "create or replace view" in sent  # the view model
    assert "system.metadata" in sent  # stock relation listing
    assert "rename to" in sent  # the table model's rename-swap on the second build
    assert all(entry["state"] == "FINISHED" for entry in logged if "merge into" in entry["sql"].lower())


def test_a_stock_view_model_fails_against_strict_tdlocal(tmp_path: Path, monkeypatch) -> None:
    with tdlocal.start_in_thread(tmp_path / "data", strict=True, load_sample_when_fresh=False) as server:
        monkeypatch.setenv("TDLOCAL_CONTRACT_PORT", str(server.port))
        # td_metadata: list relations from information_schema, so the run gets as far as the view.
        result = Dbt(tmp_path)("run", "--select", "customers_view", "--vars", "{td_metadata: true}")
    assert not result.success
    (node,) = result.result.results
    assert str(node.status) == "error"
    assert "This connector does not support creating views" in node.message


@pytest.fixture(autouse=True)
def _dbt_does_not_write_into_the_project() -> None:
    """dbt writes target/ and logs/ into tmp dirs only, and no .user.yml (checked after each test)."""
    yield
    for written in ("target", "logs", ".user.yml"):
        assert not (CONTRACT_PROJECT / written).exists(), written
