#!/usr/bin/env bash
# The scaled-out bot on this machine (`make run-scaled`): PostgreSQL for
# conversations and records, Redis for Rasa's lock store, N Rasa servers
# (default 2), each with its own action server (pairs: Rasa i -> actions i),
# and the web server spreading conversations over the Rasa servers by a
# stable hash of the sender id (TRIALBOT_RASA_URLS).
#
#   --no-setup   skip scripts/setup.sh (tests use it)
#
# Settings (environment), with defaults:
#   TRIALBOT_DATABASE_URL   postgresql://postgres@127.0.0.1:5432/trialbot   (created when missing)
#   TRIALBOT_REDIS_HOST/_PORT/_DB/_PASSWORD/_PREFIX   127.0.0.1 / 6379 / 1 / "" / trialbot
#   TRIALBOT_RASA_REPLICAS  2
#   TRIALBOT_RASA_PORTS     comma list, default 5005,5006,...  (or TRIALBOT_RASA_PORT as the first)
#   TRIALBOT_ACTIONS_PORTS  comma list, default 5055,5056,...  (or TRIALBOT_ACTIONS_PORT as the first)
#   TRIALBOT_WEB_PORT       8000
#   TRIALBOT_ENDPOINTS      endpoints.scaled.yml (the Rasa servers' endpoints file)
#   TRIALBOT_API_TOKEN, TRIALBOT_ACTIONS_TOKEN   created in the data folder when not set; passed to the
#                           servers by environment, never as arguments (ps shows arguments to every user)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-setup" ] || bash scripts/setup.sh
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
data_dir=${TRIALBOT_DATA_DIR:-$PWD/var}
export TRIALBOT_DATA_DIR=$data_dir
mkdir -p "$data_dir/logs"
logs=$data_dir/logs

export TRIALBOT_DATABASE_URL=${TRIALBOT_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/trialbot}
export TRIALBOT_REDIS_HOST=${TRIALBOT_REDIS_HOST:-127.0.0.1} TRIALBOT_REDIS_PORT=${TRIALBOT_REDIS_PORT:-6379}
export TRIALBOT_REDIS_DB=${TRIALBOT_REDIS_DB:-1} TRIALBOT_REDIS_PASSWORD=${TRIALBOT_REDIS_PASSWORD:-}
export TRIALBOT_REDIS_PREFIX=${TRIALBOT_REDIS_PREFIX:-trialbot}
replicas=${TRIALBOT_RASA_REPLICAS:-2}

ports() {  # ports LIST FIRST COUNT -> the list, or FIRST, FIRST+1, ...
  if [ -n "$1" ]; then echo "$1" | tr ',' ' '; else seq "$2" $(($2 + $3 - 1)) | tr '\n' ' '; fi
}
read -r -a rasa_ports <<<"$(ports "${TRIALBOT_RASA_PORTS:-}" "${TRIALBOT_RASA_PORT:-5005}" "$replicas")"
read -r -a action_ports <<<"$(ports "${TRIALBOT_ACTIONS_PORTS:-}" "${TRIALBOT_ACTIONS_PORT:-5055}" "$replicas")"
replicas=${#rasa_ports[@]}
if [ "${#action_ports[@]}" != "$replicas" ]; then
  echo "error: ${#rasa_ports[@]} Rasa ports but ${#action_ports[@]} action server ports; give one of each per replica" >&2
  exit 2
fi

source scripts/secrets.sh
secret TRIALBOT_API_TOKEN api_token
secret TRIALBOT_ACTIONS_TOKEN actions_token

# Services this set-up needs, with the next step when one is missing.
db_shown=$(.venv/bin/python -c 'import sqlalchemy as sa, os; print(sa.engine.make_url(os.environ["TRIALBOT_DATABASE_URL"]).render_as_string(hide_password=True))')
echo "==> database: $db_shown"
.venv/bin/python - <<'EOF' >>"$logs/run_scaled.log" 2>&1 || { echo "error: cannot reach or create the database $db_shown: see $logs/run_scaled.log; start PostgreSQL or set TRIALBOT_DATABASE_URL, then try again" >&2; exit 1; }
import os
import sqlalchemy as sa
url = sa.engine.make_url(os.environ["TRIALBOT_DATABASE_URL"])
if url.get_backend_name() == "postgresql":
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": url.database}).scalar():
            c.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            print(f"created database {url.database}")
    admin.dispose()
EOF
.venv/bin/python -m bot init 2>>"$logs/run_scaled.log" | sed "s/^/    /" || { echo "error: python -m bot init failed: see $logs/run_scaled.log" >&2; exit 1; }
# Rasa's own events table, created once here rather than by two servers racing at start-up.
.venv/bin/python -c '
import os, sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
SQLTrackerStore.Base.metadata.create_all(sa.create_engine(os.environ["TRIALBOT_DATABASE_URL"]))' >>"$logs/run_scaled.log" 2>&1
.venv/bin/python -c '
import os, redis
redis.Redis(host=os.environ["TRIALBOT_REDIS_HOST"], port=int(os.environ["TRIALBOT_REDIS_PORT"]),
            db=int(os.environ["TRIALBOT_REDIS_DB"]), password=os.environ["TRIALBOT_REDIS_PASSWORD"] or None,
            socket_timeout=5).ping()' >>"$logs/run_scaled.log" 2>&1 \
  || { echo "error: Redis does not answer at $TRIALBOT_REDIS_HOST:$TRIALBOT_REDIS_PORT: see $logs/run_scaled.log; start Redis or set TRIALBOT_REDIS_HOST/_PORT, then try again" >&2; exit 1; }
echo "==> lock store: Redis $TRIALBOT_REDIS_HOST:$TRIALBOT_REDIS_PORT db $TRIALBOT_REDIS_DB (prefix $TRIALBOT_REDIS_PREFIX)"

pids=() names=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
urls=()
for i in $(seq 0 $((replicas - 1))); do
  n=$((i + 1)) ap=${action_ports[$i]} rp=${rasa_ports[$i]}
  # The action server: localhost only, and the token (from the environment, as every token here).
  SANIC_HOST=127.0.0.1 .venv/bin/python -m addons.action_server --port "$ap" >"$logs/actions-$n.log" 2>&1 &
  pids+=($!) names+=("actions-$n")
  TRIALBOT_ACTION_URL="http://127.0.0.1:$ap/webhook" .venv/bin/python -m addons.rasa_server run --interface 127.0.0.1 \
    --port "$rp" --model models/trialbot.tar.gz --endpoints "${TRIALBOT_ENDPOINTS:-endpoints.scaled.yml}" \
    --credentials credentials.yml --enable-api >"$logs/rasa-$n.log" 2>&1 &
  pids+=($!) names+=("rasa-$n")
  urls+=("http://127.0.0.1:$rp")
  echo "==> pair $n: Rasa on 127.0.0.1:$rp -> action server on 127.0.0.1:$ap (logs: $logs/rasa-$n.log, actions-$n.log)"
done
TRIALBOT_RASA_URLS=$(IFS=,; echo "${urls[*]}")
export TRIALBOT_RASA_URLS TRIALBOT_WEB_PORT=${TRIALBOT_WEB_PORT:-8000}
.venv/bin/python -m web >"$logs/web.log" 2>&1 &
pids+=($!) names+=(web)

stopped() {  # true when a server has stopped; sets $gone (its name) and $why
  local i
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      gone=${names[$i]}
      if wait "${pids[$i]}"; then why="exit status 0"; else why="exit status $?"; fi
      return 0
    fi
  done
  return 1
}

echo -n "==> starting $replicas Rasa servers (about a minute)"
start=$(date +%s)
for url in "${urls[@]}"; do
  # curl reads the URL (it holds the token) from its standard input, not its arguments.
  until printf 'url = "%s/status?token=%s"\n' "$url" "$TRIALBOT_API_TOKEN" | curl -sf -K - >/dev/null 2>&1; do
    if stopped; then
      echo; echo "error: $gone stopped while starting ($why): see $logs/$gone.log; fix the cause (a port in use? make setup?), then start again" >&2
      tail -n 5 "$logs/$gone.log" | sed 's/^/    /' >&2
      exit 1
    fi
    if [ -t 1 ]; then echo -n "."; fi
    sleep 2
  done
done
echo
echo "==> ready in $(($(date +%s) - start)) s: patient chat http://localhost:$TRIALBOT_WEB_PORT/ over $TRIALBOT_RASA_URLS"
until stopped; do sleep 2; done
echo "error: $gone stopped ($why): see $logs/$gone.log; the other servers are stopped too" >&2
exit 1
