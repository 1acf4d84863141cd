#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the bot: the action server
# and the Rasa server (REST channel and token-protected HTTP API) on localhost.
# --no-setup skips the set-up (the tests use it to restart servers quickly).
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything this creates (database, logs, endpoints copy, exports, token) is for its owner only.
umask 077
[ "${1:-}" = "--no-setup" ] || bash scripts/setup.sh
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TRIALBOT_RASA_PORT=${TRIALBOT_RASA_PORT:-5005} TRIALBOT_ACTIONS_PORT=${TRIALBOT_ACTIONS_PORT:-5055}
data_dir=${TRIALBOT_DATA_DIR:-$PWD/var}
mkdir -p "$data_dir/logs" "$data_dir/exports"
chmod 700 "$data_dir" "$data_dir/logs" "$data_dir/exports"
# Keep the last 5 runs' logs: web.log -> web.log.1 -> ... -> web.log.5 (then dropped).
rotate_log() {
  local f=$1 i
  [ -s "$f" ] || return 0
  for i in 4 3 2 1; do [ -f "$f.$i" ] && mv -f "$f.$i" "$f.$((i + 1))"; done
  mv -f "$f" "$f.1"
}
for log in actions web rasa; do rotate_log "$data_dir/logs/$log.log"; done
chmod 600 "$data_dir"/logs/* 2>/dev/null || true

if [ -z "${TRIALBOT_API_TOKEN:-}" ]; then
  token_file="$data_dir/api_token"
  if [ ! -s "$token_file" ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$token_file")
    echo "==> created an HTTP API token in $token_file"
  fi
  TRIALBOT_API_TOKEN=$(cat "$token_file")
  echo "==> the HTTP API token is in $token_file (or set TRIALBOT_API_TOKEN)"
fi
export TRIALBOT_API_TOKEN

# The action server has no authentication: it listens on localhost only.
SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --port "$TRIALBOT_ACTIONS_PORT" >"$data_dir/logs/actions.log" 2>&1 &
actions_pid=$!
export TRIALBOT_WEB_PORT=${TRIALBOT_WEB_PORT:-8000}
.venv/bin/python -m web >"$data_dir/logs/web.log" 2>&1 &
web_pid=$!
trap 'kill $actions_pid $web_pid 2>/dev/null || true' EXIT INT TERM

endpoints="$data_dir/endpoints.yml"
sed "s#127.0.0.1:5055/#127.0.0.1:$TRIALBOT_ACTIONS_PORT/#" endpoints.yml > "$endpoints"

echo "==> patient chat: http://localhost:$TRIALBOT_WEB_PORT/   staff review: http://localhost:$TRIALBOT_WEB_PORT/staff"
echo "    (add a staff account with: .venv/bin/python -m bot staff-user add NAME)"
echo "==> action server on 127.0.0.1:$TRIALBOT_ACTIONS_PORT (log: $data_dir/logs/actions.log)"
echo "==> Rasa server on http://127.0.0.1:$TRIALBOT_RASA_PORT; talk to it with:"
echo "    curl -s localhost:$TRIALBOT_RASA_PORT/webhooks/rest/webhook -d '{\"sender\": \"<random id>\", \"message\": \"hi\"}'"
# The Rasa server's own log also goes to a file (rotated like the others) as well as to this terminal.
.venv/bin/rasa run --log-file "$data_dir/logs/rasa.log" --interface 127.0.0.1 --port "$TRIALBOT_RASA_PORT" --model models/trialbot.tar.gz \
  --endpoints "$endpoints" --credentials credentials.yml \
  --enable-api --auth-token "$TRIALBOT_API_TOKEN"
