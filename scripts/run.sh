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
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
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
echo "==> Rasa server on http://127.0.0.1:$TRIALBOT_RASA_PORT (log: $data_dir/logs/rasa.log); talk to it with:"
echo "    curl -s localhost:$TRIALBOT_RASA_PORT/webhooks/rest/webhook -d '{\"sender\": \"<random id>\", \"message\": \"hi\"}'"
# Rasa's own output (warnings included) goes to its log; the terminal gets
# one line when it answers, or the error and where to look.
.venv/bin/rasa run --interface 127.0.0.1 --port "$TRIALBOT_RASA_PORT" --model models/trialbot.tar.gz \
  --endpoints "$endpoints" --credentials credentials.yml \
  --enable-api --auth-token="$TRIALBOT_API_TOKEN" >>"$data_dir/logs/rasa.log" 2>&1 &
rasa_pid=$!
trap 'kill $actions_pid $web_pid $rasa_pid 2>/dev/null || true' EXIT INT TERM
printf '==> starting (about a minute)'
started=$SECONDS
until curl -sf "http://127.0.0.1:$TRIALBOT_RASA_PORT/status?token=$TRIALBOT_API_TOKEN" >/dev/null 2>&1; do
  for p in rasa:$rasa_pid actions:$actions_pid; do
    if ! kill -0 "${p#*:}" 2>/dev/null; then
      log=$data_dir/logs/${p%%:*}.log
      echo; echo "error: the ${p%%:*} server stopped while starting: see $log (last lines below); fix the cause (a port in use? run make setup?), then start again" >&2
      tail -n 5 "$log" | sed 's/^/    /' >&2
      exit 1
    fi
  done
  # The bot runs without its web pages, as before; say so once.
  if [ -z "${web_warned:-}" ] && ! kill -0 "$web_pid" 2>/dev/null; then
    web_warned=1
    echo; echo "warning: the web server stopped (port $TRIALBOT_WEB_PORT in use?): see $data_dir/logs/web.log; the Rasa server goes on without the web pages" >&2
  fi
  if [ -t 1 ]; then printf '.'; fi
  sleep 1
done
echo; echo "==> ready in $((SECONDS - started)) s"
wait $rasa_pid
