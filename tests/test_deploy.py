"""The deployment files, checked without Docker or Helm: deploy/docker-compose.yml
against the Compose Specification's JSON schema, deploy/helm/values.yaml
merged over RasaHQ's `rasa` chart defaults (as Helm does) against the chart's
values schema (both kept in deploy/schemas/), and what matters for this bot
in each: every service there and wired to the right peer, no secret written
in the file, the action server never exposed, the endpoints Rasa will load."""
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.servers import ROOT

DEPLOY = ROOT / "deploy"
SECRET_NAME = re.compile(r"(password|passwd|token|secret|api_?key|encryption_?key|private_?key)$", re.I)
REFERENCE = re.compile(r"^(\$\{[A-Za-z0-9_:?\-]+\}|\$\([A-Za-z0-9_]+\))$")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def secrets_written_inline(node, path=""):
    """Values under secret-looking names that are neither empty, nor a
    ${VAR} / $(VAR) reference, nor the name of a secret or of a file."""
    found = []
    if isinstance(node, dict):
        if "name" in node and "value" in node and isinstance(node.get("name"), str):  # Kubernetes env entry
            if SECRET_NAME.search(node["name"]) and node["value"] not in (None, "") and not REFERENCE.match(str(node["value"])):
                found.append(f"{path}.{node['name']}")
        for k, v in node.items():
            key = str(k)
            if (SECRET_NAME.search(key) and not key.startswith("existing")  # existingSecret: a secret's name
                    and isinstance(v, (str, int)) and str(v) != ""
                    and not REFERENCE.match(str(v))):
                found.append(f"{path}.{key}")
            found += secrets_written_inline(v, f"{path}.{key}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += secrets_written_inline(v, f"{path}[{i}]")
    return found


def test_the_secret_check_catches_secrets():
    assert secrets_written_inline({"env": {"POSTGRES_PASSWORD": "hunter2"}}) == [".env.POSTGRES_PASSWORD"]
    assert secrets_written_inline([{"name": "RASA_TOKEN", "value": "abc"}]) == ["[0].RASA_TOKEN"]
    assert secrets_written_inline({"token": "${RASA_TOKEN}", "password": "", "PASSWORD_FILE": "/run/x",
                                   "existingSecret": "trialbot-redis"}) == []


# ---------------------------------------------------------------- compose

@pytest.fixture(scope="module")
def compose():
    return load(DEPLOY / "docker-compose.yml")


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def test_compose_file_follows_the_compose_specification(compose):
    schema = load(DEPLOY / "schemas" / "compose-spec.json")
    jsonschema.validate(compose, schema)


def test_compose_has_every_service_of_the_scaled_set_up(compose):
    services = compose["services"]
    assert {"postgres", "redis", "rasa-1", "rasa-2", "actions-1", "actions-2", "web"} <= set(services)
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2", "web", "init"):
        assert services[name]["image"] == services["rasa-1"]["image"], "one image for every role of the bot"


def test_compose_wires_each_rasa_server_to_its_own_action_server_and_the_shared_stores(compose):
    s = compose["services"]
    for i in (1, 2):
        env = _env(s[f"rasa-{i}"])
        assert env["TRIALBOT_ACTION_URL"] == f"http://actions-{i}:5055/webhook"
        assert env["TRIALBOT_ENDPOINTS"] == "endpoints.scaled.yml"
        assert env["TRIALBOT_REDIS_HOST"] == "redis"
        assert env["TRIALBOT_DATABASE_URL_FILE"].startswith("/run/secrets/")
        assert "init" in s[f"rasa-{i}"]["depends_on"] and f"actions-{i}" in s[f"rasa-{i}"]["depends_on"]
    assert _env(s["web"])["TRIALBOT_RASA_URLS"].split(",") == ["http://rasa-1:5005", "http://rasa-2:5005"]
    # the same database and key for every bot process
    urls = {_env(s[n])["TRIALBOT_DATABASE_URL_FILE"] for n in ("rasa-1", "rasa-2", "actions-1", "actions-2", "web")}
    keys = {_env(s[n])["TRIALBOT_KEY_FILE"] for n in ("rasa-1", "rasa-2", "actions-1", "actions-2", "web")}
    assert len(urls) == 1 and len(keys) == 1


def test_compose_exposes_only_the_web_server(compose):
    s = compose["services"]
    assert [n for n, svc in s.items() if svc.get("ports")] == ["web"]
    assert compose["networks"]["back"].get("internal") is True
    for name in ("actions-1", "actions-2", "rasa-1", "rasa-2", "postgres", "redis"):
        assert s[name]["networks"] == ["back"], f"{name} must be on the internal network only"
        assert not s[name].get("expose") and not s[name].get("ports")


def test_compose_writes_no_secret_inline(compose):
    assert secrets_written_inline(compose) == []
    for name, svc in compose["services"].items():
        for key, value in _env(svc).items():
            if SECRET_NAME.search(key):
                pytest.fail(f"{name}: {key} set in the file; use a secret file ({key}_FILE)")
            if key.endswith("_FILE"):
                assert str(value).startswith("/run/secrets/"), f"{name}: {key} must name a Docker secret"
    for secret in compose["secrets"].values():
        assert set(secret) == {"file"} and secret["file"].startswith("./secrets/")


def test_the_endpoints_the_containers_load_use_atomic_redis_locks_and_a_token():
    endpoints = load(ROOT / "endpoints.scaled.yml")
    assert endpoints["lock_store"]["type"] == "addons.lock_store.AtomicRedisLockStore"
    assert endpoints["tracker_store"]["type"] == "addons.tracker_store.TrialTrackerStore"
    assert endpoints["action_endpoint"] == {"url": "${TRIALBOT_ACTION_URL}", "token": "${TRIALBOT_ACTIONS_TOKEN}"}
    raw = (ROOT / "endpoints.scaled.yml").read_text()
    assert '"${' not in raw and "'${" not in raw, "Rasa expands ${VAR} only in unquoted values"


def test_the_entrypoint_knows_every_role_the_deployments_use(compose):
    text = (DEPLOY / "entrypoint.sh").read_text()
    roles = {svc["command"][0] for svc in compose["services"].values() if svc.get("command") and
             svc["image"] == compose["services"]["web"]["image"]}
    helm = load(DEPLOY / "helm" / "values.yaml")
    roles |= {helm["args"][0]} | {c["args"][0] for c in helm["extraContainers"] + helm["initContainers"]}
    assert roles == {"init", "rasa", "actions", "web"}
    for role in roles:
        assert re.search(rf"^\s+{role}\)", text, re.M), f"deploy/entrypoint.sh has no role {role}"


# ---------------------------------------------------------------- helm

def helm_merge(defaults, overrides):
    """Helm's coalescing of a values file over the chart's: maps merge, other
    values replace, and null deletes the chart's key."""
    if not (isinstance(defaults, dict) and isinstance(overrides, dict)):
        return overrides
    out = dict(defaults)
    for k, v in overrides.items():
        if v is None:
            out.pop(k, None)
        elif k in out:
            out[k] = helm_merge(out[k], v)
        else:
            out[k] = v
    return out


@pytest.fixture(scope="module")
def helm():
    ours = load(DEPLOY / "helm" / "values.yaml")
    return ours, helm_merge(load(DEPLOY / "schemas" / "rasa-chart-1.17.8.values.yaml"), ours)


def test_helm_values_pass_the_charts_schema(helm):
    _, merged = helm
    jsonschema.validate(merged, load(DEPLOY / "schemas" / "rasa-chart-1.17.8.values.schema.json"))
    defaults = load(DEPLOY / "schemas" / "rasa-chart-1.17.8.values.yaml")
    unknown = set(helm[0]) - set(defaults)
    assert not unknown, f"keys the chart does not know: {unknown}"


def test_helm_runs_rasa_with_the_trackers_in_postgresql_and_locks_in_redis(helm):
    ours, merged = helm
    assert merged["replicaCount"] >= 2
    assert merged["image"]["name"] == "trialbot" and merged["image"]["tag"]
    ep = merged["applicationSettings"]["endpoints"]
    assert ep["trackerStore"] == {"enabled": True, "type": "addons.tracker_store.TrialTrackerStore"}
    assert ep["lockStore"]["enabled"] and ep["lockStore"]["type"] == "addons.lock_store.AtomicRedisLockStore"
    assert merged["postgresql"]["install"] and merged["redis"]["install"]
    env = {e["name"]: e for e in merged["extraEnv"]}
    assert env["TRIALBOT_DATABASE_URL"]["value"].startswith("postgresql://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST)")
    for name in ("TRIALBOT_API_TOKEN", "TRIALBOT_ACTIONS_TOKEN", "TRIALBOT_ENCRYPTION_KEY"):
        assert "secretKeyRef" in env[name]["valueFrom"]
    assert merged["applicationSettings"]["initialModel"] == "" and not merged["applicationSettings"]["trainInitialModel"]


def test_helm_keeps_the_action_server_inside_the_pod_with_a_token(helm):
    _, merged = helm
    (actions,) = [c for c in merged["extraContainers"] if c["name"] == "actions"]
    env = {e["name"]: e for e in actions["env"]}
    assert env["SANIC_HOST"]["value"] == "127.0.0.1", "the action server listens on the pod's localhost only"
    assert "ports" not in actions
    assert "secretKeyRef" in env["TRIALBOT_ACTIONS_TOKEN"]["valueFrom"]
    action_ep = merged["applicationSettings"]["endpoints"]["additionalEndpoints"]["action_endpoint"]
    assert action_ep == {"url": "http://127.0.0.1:5055/webhook", "token": "${TRIALBOT_ACTIONS_TOKEN}"}
    assert not merged["rasa-action-server"]["install"] and not merged["rasa-action-server"]["external"]["enabled"]
    assert not merged["ingress"]["enabled"] and merged["service"]["type"] == "ClusterIP"
    assert merged["networkPolicy"]["enabled"]


def test_helm_values_write_no_secret_inline(helm):
    ours, merged = helm
    assert secrets_written_inline(ours) == []
    # the chart's own default secrets are all removed or replaced
    assert "postgresqlPassword" not in merged["global"]["postgresql"]
    assert merged["global"]["postgresql"]["existingSecret"]
    assert "password" not in merged["redis"]["auth"] and merged["redis"]["auth"]["existingSecret"]
    assert "password" not in merged["global"]["redis"]
    assert merged["applicationSettings"]["token"] == ""
