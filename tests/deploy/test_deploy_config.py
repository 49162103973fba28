"""deploy/ agrees with the code, without Docker or a cluster: docker-compose.yml, helm/values.yaml,
deploy/dagster.yaml and the images name the entry point, port, users and settings the code has,
and hold no secret."""

from __future__ import annotations

import ast
import json
import re
import tomllib

import pytest
import yaml

from orchestration.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
CODE_PORT = 4000
ENTRY_MODULE, ENTRY_ATTRIBUTE = "orchestration.definitions", "defs"
SECRET_NAME = re.compile(r"KEY|PASSWORD|SECRET|TOKEN", re.IGNORECASE)
# A TD API key: account id, slash, 40 hex digits.
TD_KEY_SHAPE = re.compile(r"\b\d{1,10}/[0-9a-f]{40}\b")
# Compose interpolation that takes the value from the shell or deploy/.env: ${NAME}, ${NAME:-x}, ...
INTERPOLATED = re.compile(r"^\$\{(?P<name>[A-Z_]+)(?P<rest>[^}]*)\}$")


def _yaml(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict:
    return _yaml("docker-compose.yml")


@pytest.fixture(scope="module")
def instance_config() -> dict:
    return _yaml("dagster.yaml")


@pytest.fixture(scope="module")
def helm() -> dict:
    return _yaml("helm/values.yaml")


def _dockerfile(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _cmd(lines: list[str]) -> list[str]:
    return json.loads(next(line for line in lines if line.startswith("CMD ")).removeprefix("CMD "))


def _final_user(lines: list[str]) -> str:
    return [line.split()[1] for line in lines if line.startswith("USER ")][-1]


def _env_read_by_the_code() -> set[str]:
    """Every TD_*/DAGSTER_* variable the code location reads: settings, partitions, dbt profiles."""
    names: set[str] = set()
    for module in ("settings.py", "partitions.py"):
        tree = ast.parse((PROJECT_ROOT / "orchestration" / module).read_text(encoding="utf-8"))
        names |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"(TD|DAGSTER)_[A-Z_]+", node.value)
        }
    for path in [
        PROJECT_ROOT / "dbt_project" / "profiles.yml",
        *(PROJECT_ROOT / "dbt_project").rglob("*.s*l"),
        *(PROJECT_ROOT / "td_dbt").rglob("*.s*l"),
    ]:
        names |= set(re.findall(r"env_var\('((?:TD|DAGSTER)_[A-Z_]+)'", path.read_text(encoding="utf-8")))
    return names


def _documented_optional() -> set[str]:
    """Variables deploy/README.md's settings table marks optional (named in a row's first cell)."""
    rows = (DEPLOY / "README.md").read_text(encoding="utf-8").splitlines()
    cells = [row.strip("|").split("|") for row in rows if row.startswith("|")]
    return {
        name
        for cell in cells
        if "optional" in cell[-1].lower()
        for name in re.findall(r"`((?:TD|DAGSTER)_[A-Z_]+)`", cell[0])
    }


def _instance_env_vars(config) -> set[str]:
    """The {env: NAME} references in an instance config."""
    if isinstance(config, dict):
        if set(config) == {"env"}:
            return {config["env"]}
        return set().union(*(_instance_env_vars(value) for value in config.values()))
    if isinstance(config, list):
        return set().union(*(_instance_env_vars(value) for value in config))
    return set()


def test_the_code_location_is_this_repositorys_image_serving_the_entry_point_on_4000(compose, helm):
    service = compose["services"]["code-location"]
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == (
        PROJECT_ROOT / "Dockerfile"
    )
    cmd = _cmd(_dockerfile(PROJECT_ROOT / "Dockerfile"))
    assert cmd[:3] == ["dagster", "code-server", "start"]
    assert cmd[cmd.index("--port") + 1] == str(CODE_PORT)
    assert (cmd[cmd.index("--module-name") + 1], cmd[cmd.index("--attribute") + 1]) == (
        ENTRY_MODULE,
        ENTRY_ATTRIBUTE,
    )
    # The entry point really is that attribute, and the local workspace loads the same one.
    tree = ast.parse((PROJECT_ROOT / "orchestration" / "definitions.py").read_text(encoding="utf-8"))
    assert ENTRY_ATTRIBUTE in {
        target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
    }
    [local] = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())["load_from"]
    assert (local["python_module"]["module_name"], local["python_module"]["attribute"]) == (
        ENTRY_MODULE,
        ENTRY_ATTRIBUTE,
    )
    # The webserver and the daemon find it by service name and port; the healthcheck probes it.
    [remote] = _yaml("workspace.yaml")["load_from"]
    assert (remote["grpc_server"]["host"], remote["grpc_server"]["port"]) == ("code-location", CODE_PORT)
    assert service["healthcheck"]["test"][-2:] == ["-p", str(CODE_PORT)]
    [deployment] = helm["dagster-user-deployments"]["deployments"]
    args = deployment["codeServerArgs"]
    assert deployment["port"] == CODE_PORT
    assert (args[args.index("--module-name") + 1], args[args.index("--attribute") + 1]) == (
        ENTRY_MODULE,
        ENTRY_ATTRIBUTE,
    )


def test_every_service_has_a_healthcheck_and_runs_use_the_code_location_image(compose, instance_config):
    services = compose["services"]
    assert set(services) == {"postgres", "code-location", "webserver", "daemon"}
    assert all(service.get("healthcheck", {}).get("test") for service in services.values())
    code = services["code-location"]
    assert code["environment"]["DAGSTER_CURRENT_IMAGE"] == code["image"]
    launcher = instance_config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_docker", "DockerRunLauncher")
    assert launcher["config"]["network"] in {network["name"] for network in compose["networks"].values()}
    assert services["webserver"]["image"] == services["daemon"]["image"]


def test_every_setting_the_code_reads_is_set_for_the_code_location_and_its_runs(
    compose, instance_config, helm
):
    read = _env_read_by_the_code()
    assert {"TD_API_KEY", "TD_TIMEZONE", "TD_PARTITION_START", "TD_DATABASE"} <= read  # the scan works
    optional = _documented_optional()
    code_env = compose["services"]["code-location"]["environment"]
    daemon_env = compose["services"]["daemon"]["environment"]
    forwarded = set(instance_config["run_launcher"]["config"]["env_vars"])
    for name in sorted(read):
        assert name in code_env or name in optional, (
            f"{name} is neither set for the code location nor optional"
        )
        assert name in forwarded or name in optional, f"{name} does not reach the run containers"
    # DockerRunLauncher copies each forwarded name from the daemon's environment, and fails the
    # run if one is unset.
    assert forwarded <= set(daemon_env), forwarded - set(daemon_env)
    # An empty value would not fall back to the code's default (TD_TIMEZONE="" is no timezone).
    for name in sorted(read & set(code_env)):
        match = INTERPOLATED.match(str(code_env[name]))
        if match and name not in optional and name != "TD_API_KEY":
            assert match["rest"].startswith(":-") and len(match["rest"]) > 2, (name, code_env[name])
    helm_env = {item["name"] for item in helm["dagster-user-deployments"]["deployments"][0]["env"]}
    for name in sorted(read - {"TD_API_KEY"}):
        assert name in helm_env or name in optional, f"{name} is not set in helm/values.yaml"


def test_the_instance_connection_comes_from_env_vars_every_process_has(compose, instance_config):
    wanted = _instance_env_vars(instance_config)
    assert wanted == {f"DAGSTER_PG_{part}" for part in ("HOST", "PORT", "USER", "PASSWORD", "DB")}
    for service in ("webserver", "daemon"):
        assert wanted <= set(compose["services"][service]["environment"]), service
    assert wanted <= set(instance_config["run_launcher"]["config"]["env_vars"])
    postgres = compose["services"]["postgres"]["environment"]
    daemon = compose["services"]["daemon"]["environment"]
    assert postgres["POSTGRES_PASSWORD"] == daemon["DAGSTER_PG_PASSWORD"]
    assert postgres["POSTGRES_DB"] == daemon["DAGSTER_PG_DB"]


def test_the_images_run_as_a_non_root_user(compose, helm):
    for dockerfile in (PROJECT_ROOT / "Dockerfile", DEPLOY / "Dockerfile.dagster"):
        lines = _dockerfile(dockerfile)
        user = _final_user(lines)
        assert user not in {"root", "0"}, dockerfile
        assert any(f"useradd --create-home --uid 10001 {user}" in line for line in lines), dockerfile
    assert not any("user" in service for service in compose["services"].values())
    [deployment] = helm["dagster-user-deployments"]["deployments"]
    assert deployment["podSecurityContext"]["runAsNonRoot"] is True
    assert deployment["podSecurityContext"]["runAsUser"] == 10001


def test_no_secret_is_written_in_deploy_or_the_images(compose, helm):
    for name, service in compose["services"].items():
        for key, value in service.get("environment", {}).items():
            if SECRET_NAME.search(key):
                match = INTERPOLATED.match(str(value))
                # Required from the shell or deploy/.env, never a default value.
                assert match and match["rest"].startswith(":?"), f"{name}.{key} = {value!r}"
    assert helm["generatePostgresqlPasswordSecret"] is False
    assert helm["postgresql"]["postgresqlPassword"] == ""
    [deployment] = helm["dagster-user-deployments"]["deployments"]
    assert not any(SECRET_NAME.search(item["name"]) for item in deployment["env"])
    for dockerfile in (PROJECT_ROOT / "Dockerfile", DEPLOY / "Dockerfile.dagster"):
        for line in _dockerfile(dockerfile):
            assert not (line.startswith(("ENV", "ARG")) and "TD_API_KEY" in line), line
    files = [*DEPLOY.rglob("*"), PROJECT_ROOT / "Dockerfile", PROJECT_ROOT / "dagster.yaml"]
    for path in (path for path in files if path.is_file()):
        assert not TD_KEY_SHAPE.search(path.read_text(encoding="utf-8")), path
    # deploy/.env is where a key may be kept; it must never be committed or sent to a build.
    assert ".env" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "**/.env" in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()  # at any depth


def test_the_deploy_dependencies_are_a_group_the_quick_start_skips_and_the_image_installs():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    deploy = {re.split(r"[<>=]", requirement)[0] for requirement in project["dependency-groups"]["deploy"]}
    assert deploy == {"dagster-postgres", "dagster-docker", "dagster-k8s"}
    assert "deploy" not in project.get("tool", {}).get("uv", {}).get("default-groups", ["dev"])
    assert "--group deploy" in (PROJECT_ROOT / "Dockerfile").read_text()


def test_the_webserver_image_pins_the_dagster_versions_of_uv_lock():
    locked = {
        package["name"]: package["version"]
        for package in tomllib.loads((PROJECT_ROOT / "uv.lock").read_text())["package"]
    }
    args = dict(
        line.removeprefix("ARG ").split("=", 1)
        for line in _dockerfile(DEPLOY / "Dockerfile.dagster")
        if line.startswith("ARG ")
    )
    assert args["DAGSTER_VERSION"] == locked["dagster"] == locked["dagster-webserver"]
    assert args["DAGSTER_LIBRARIES_VERSION"] == locked["dagster-postgres"] == locked["dagster-docker"]
