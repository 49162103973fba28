"""The Dagster instance the CLI records its runs in: the same one `dagster dev` uses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from orchestration.settings import PROJECT_ROOT

LOCAL_HOME = PROJECT_ROOT / ".dagster_home"


@contextmanager
def local_instance() -> Iterator[DagsterInstance]:
    """DAGSTER_HOME's instance if set, else the repository's dagster.yaml with .dagster_home/.

    dagster.yaml's storage paths are relative to the directory `dagster dev` starts in (the
    repository root), so the instance is opened from there.
    """
    if os.environ.get("DAGSTER_HOME"):
        with DagsterInstance.get() as instance:
            yield instance
        return
    LOCAL_HOME.mkdir(exist_ok=True)
    previous = Path.cwd()
    os.chdir(PROJECT_ROOT)
    try:
        instance = DagsterInstance.from_ref(
            InstanceRef.from_dir(str(LOCAL_HOME), config_dir=str(PROJECT_ROOT))
        )
    finally:
        os.chdir(previous)
    with instance:
        yield instance
