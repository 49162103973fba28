# The code location as an image: dependencies from uv.lock, the dbt manifest parsed at build time,
# a non-root user. The `deploy` dependency group adds what runs need when they start in their own
# container or pod (Postgres storage, the Docker and Kubernetes run launchers; see deploy/). No
# secret is needed to build it and none is stored in it: TD_API_KEY is given to the container at
# run time.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/app/.venv/bin:$PATH \
    DBT_TARGET=prod \
    TD_SCHEDULES_ENABLED=true

RUN pip install --no-cache-dir uv && useradd --create-home --uid 10001 dagster
WORKDIR /app

# Dependencies first, so code changes rebuild only the layers below.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --group deploy --no-install-project

COPY tdtime/ tdtime/
COPY tdlocal/ tdlocal/
COPY orchestration/ orchestration/
COPY td_dbt/ td_dbt/
COPY dbt_project/ dbt_project/
COPY workspace.yaml dagster.yaml ./
RUN uv sync --frozen --no-dev --group deploy \
    # Install the td_dbt package (local: no network) and parse once here, so the code location
    # starts without running dbt; parsing needs no key.
    && dbt deps --project-dir dbt_project \
    && dbt parse --project-dir dbt_project --profiles-dir dbt_project --target "$DBT_TARGET" \
    && rm -rf dbt_project/logs \
    && chown -R dagster:dagster /app/dbt_project

USER dagster
EXPOSE 4000
CMD ["dagster", "code-server", "start", "--host", "0.0.0.0", "--port", "4000", "--module-name", "orchestration.definitions", "--attribute", "defs"]
