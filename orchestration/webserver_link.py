"""Where a CLI run is in the Dagster UI: its page if a webserver (`dagster dev`) on this machine
shows it, else the command that starts one."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

#: `dagster dev` and dagster-webserver listen on 3000 unless DAGSTER_WEBSERVER_PORT says otherwise.
DEFAULT_WEBSERVER_PORT = 3000
_PROBE_SECONDS = 0.5


def webserver_url(environ: dict[str, str] | None = None) -> str:
    """The local webserver's base URL: http://localhost:<DAGSTER_WEBSERVER_PORT or 3000>."""
    env = os.environ if environ is None else environ
    port = env.get("DAGSTER_WEBSERVER_PORT", "").strip() or str(DEFAULT_WEBSERVER_PORT)
    return f"http://localhost:{port}"


def shown_run_url(run_id: str, base_url: str) -> str | None:
    """`<base_url>/runs/<run_id>` if the webserver there answers and knows the run (so it reads the
    same instance), else None. One GraphQL request, half a second at most."""
    query = {"query": f'{{ runOrError(runId: "{run_id}") {{ __typename }} }}'}
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps(query).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_PROBE_SECONDS) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None
    typename = ((answer or {}).get("data") or {}).get("runOrError", {}).get("__typename")
    return f"{base_url}/runs/{run_id}" if typename == "Run" else None


def where_to_see_run(run_id: str, base_url: str, shown_url: str | None) -> str:
    """The summary's line saying where the run is in the UI."""
    if shown_url:
        return f"  In the UI: {shown_url}"
    return f"  In the UI: start it with `uv run dagster dev` in this directory, then {base_url}/runs/{run_id}"
