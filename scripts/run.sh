#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the bot: the action server
# and the Rasa server (REST channel and HTTP API, both needing the token) on
# localhost, and the web server. No token is ever a command-line argument.
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

# Tokens go to the servers by environment (or file), never as arguments: every
# local user can read a process's arguments (ps). TRIALBOT_API_TOKEN is the
# Rasa API's token and the secret the web server sends to Rasa's chat endpoint;
# TRIALBOT_ACTIONS_TOKEN is what Rasa sends to the action server.
secret() {  # secret VAR FILE: the variable, else the file in the data folder (created once)
  local var=$1 file=$data_dir/$2
  if [ -z "${!var:-}" ]; then
    if [ ! -s "$file" ]; then
      (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file")
      echo "==> created $file"
    fi
    printf -v "$var" '%s' "$(cat "$file")"
  fi
  export "${var?}"
}
secret TRIALBOT_API_TOKEN api_token
secret TRIALBOT_ACTIONS_TOKEN actions_token
if [ -s "$data_dir/api_token" ]; then token_from="\$(cat $data_dir/api_token)"; else token_from='$TRIALBOT_API_TOKEN'; fi
echo "==> the HTTP API token (also the chat endpoint's secret): TRIALBOT_API_TOKEN, else $data_dir/api_token"

# The action server listens on localhost only and refuses calls without the token.
SANIC_HOST=127.0.0.1 .venv/bin/python -m addons.action_server --port "$TRIALBOT_ACTIONS_PORT" >"$data_dir/logs/actions.log" 2>&1 &
actions_pid=$!
export TRIALBOT_WEB_PORT=${TRIALBOT_WEB_PORT:-8000}
.venv/bin/python -m web >"$data_dir/logs/web.log" 2>&1 &
web_pid=$!
trap 'kill $actions_pid $web_pid 2>/dev/null || true' EXIT INT TERM

# Rasa reads the action server's token from its environment (${...} in the endpoints file).
endpoints="$data_dir/endpoints.yml"
sed -e "s#127.0.0.1:5055/#127.0.0.1:$TRIALBOT_ACTIONS_PORT/#" \
    -e '/^action_endpoint:/a\  token: ${TRIALBOT_ACTIONS_TOKEN}' endpoints.yml > "$endpoints"

echo "==> patient chat: http://localhost:$TRIALBOT_WEB_PORT/   staff review: http://localhost:$TRIALBOT_WEB_PORT/staff"
echo "    (add a staff account with: .venv/bin/python -m bot staff-user add NAME)"
echo "==> action server on 127.0.0.1:$TRIALBOT_ACTIONS_PORT (log: $data_dir/logs/actions.log)"
echo "==> Rasa server on http://127.0.0.1:$TRIALBOT_RASA_PORT (log: $data_dir/logs/rasa.log); talk to it with the token:"
echo "    printf 'Authorization: Bearer %s' \"$token_from\" | curl -s -H @- localhost:$TRIALBOT_RASA_PORT/webhooks/rest/webhook -d '{\"sender\": \"<random id>\", \"message\": \"hi\"}'"
# Rasa's own output (warnings included) goes to its log; the terminal gets
# one line when it answers, or the error and where to look.
.venv/bin/python -m addons.rasa_server run --interface 127.0.0.1 --port "$TRIALBOT_RASA_PORT" \
  --model models/trialbot.tar.gz --endpoints "$endpoints" --credentials credentials.yml \
  --enable-api >>"$data_dir/logs/rasa.log" 2>&1 &
rasa_pid=$!
trap 'kill $actions_pid $web_pid $rasa_pid 2>/dev/null || true' EXIT INT TERM
printf '==> starting (about a minute)'
started=$SECONDS
# curl reads the URL (it holds the token) from its standard input, not its arguments.
rasa_ready() { printf 'url = "http://127.0.0.1:%s/status?token=%s"\n' "$1" "$TRIALBOT_API_TOKEN" | curl -sf -K - >/dev/null 2>&1; }
until rasa_ready "$TRIALBOT_RASA_PORT"; do
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
