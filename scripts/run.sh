#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the bot: the action server
# and the Rasa server (REST channel and HTTP API, both needing the token) on
# localhost, and the web server. No token is ever a command-line argument.
# --no-setup skips the set-up (the tests use it to restart servers quickly).
# Each server is supervised: when one stops it is started again, with backoff;
# the web pages stay up while the Rasa or action server restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything this creates (database, logs, endpoints copy, exports, token) is for its owner only.
umask 077
[ "${1:-}" = "--no-setup" ] || bash scripts/setup.sh
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
export TRIALBOT_RASA_PORT=${TRIALBOT_RASA_PORT:-5005} TRIALBOT_ACTIONS_PORT=${TRIALBOT_ACTIONS_PORT:-5055}
data_dir=${TRIALBOT_DATA_DIR:-$PWD/var}
pids_dir=$data_dir/pids
mkdir -p "$data_dir/logs" "$data_dir/exports" "$pids_dir"
chmod 700 "$data_dir" "$data_dir/logs" "$data_dir/exports" "$pids_dir"
# Keep the last 5 runs' logs: web.log -> web.log.1 -> ... -> web.log.5 (then dropped).
rotate_log() {
  local f=$1 i
  [ -s "$f" ] || return 0
  for i in 4 3 2 1; do [ -f "$f.$i" ] && mv -f "$f.$i" "$f.$((i + 1))"; done
  mv -f "$f" "$f.1"
}
for log in actions web rasa; do rotate_log "$data_dir/logs/$log.log"; done
chmod 600 "$data_dir"/logs/* 2>/dev/null || true

# TRIALBOT_API_TOKEN is the Rasa API's token and the secret the web server
# sends to Rasa's chat endpoint; TRIALBOT_ACTIONS_TOKEN is what Rasa sends to
# the action server (scripts/secrets.sh: by environment, never as arguments).
source scripts/secrets.sh
secret TRIALBOT_API_TOKEN api_token
secret TRIALBOT_ACTIONS_TOKEN actions_token
if [ -s "$data_dir/api_token" ]; then token_from="\$(cat $data_dir/api_token)"; else token_from='$TRIALBOT_API_TOKEN'; fi
echo "==> the HTTP API token (also the chat endpoint's secret): TRIALBOT_API_TOKEN, else $data_dir/api_token"

# Runs one server (NAME COMMAND...) and starts it again whenever it stops,
# after 1, 2, 4 ... 30 s (back to 1 s once it has run for a minute). The
# server's pid is in $pids_dir/NAME.pid (the tests and `make soak` kill it
# there); its output goes to logs/NAME.log.
supervise() {
  local name=$1 delay=1 up rc
  shift
  trap 'kill "$sup_child" 2>/dev/null; wait "$sup_child" 2>/dev/null; exit 0' TERM
  while :; do
    up=$SECONDS rc=0
    "$@" >>"$data_dir/logs/$name.log" 2>&1 &
    sup_child=$!
    echo "$sup_child" >"$pids_dir/$name.pid"
    wait "$sup_child" || rc=$?
    if (( SECONDS - up >= 60 )); then delay=1; fi
    echo "==> the $name server stopped (exit $rc); starting it again in $delay s (log: $data_dir/logs/$name.log)" >&2
    sleep "$delay" & wait $! || true
    delay=$(( delay < 16 ? delay * 2 : 30 ))
  done
}
rm -f "$pids_dir"/*.pid
supervisors=()
stop_all() { kill "${supervisors[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The action server listens on localhost only and refuses calls without the token.
supervise actions env SANIC_HOST=127.0.0.1 .venv/bin/python -m addons.action_server --port "$TRIALBOT_ACTIONS_PORT" &
supervisors+=($!)
export TRIALBOT_WEB_PORT=${TRIALBOT_WEB_PORT:-8000}
supervise web .venv/bin/python -m web &
supervisors+=($!)

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
# addons/rasa_server.py is `rasa run` with the API token taken from the environment.
supervise rasa .venv/bin/python -m addons.rasa_server run --interface 127.0.0.1 --port "$TRIALBOT_RASA_PORT" \
  --model models/trialbot.tar.gz --endpoints "$endpoints" --credentials credentials.yml --enable-api &
supervisors+=($!)
printf '==> starting (about a minute)'
started=$SECONDS
declare -A first=()  # each server's first pid: a restarted one has not started by itself
first_pid() {
  [ -n "${first[$1]:-}" ] || first[$1]=$(cat "$pids_dir/$1.pid" 2>/dev/null || true)
  echo "${first[$1]}"
}
# curl reads the URL (it holds the token) from its standard input, not its arguments.
rasa_ready() { printf 'url = "http://127.0.0.1:%s/status?token=%s"\n' "$1" "$TRIALBOT_API_TOKEN" | curl -sf -K - >/dev/null 2>&1; }
until rasa_ready "$TRIALBOT_RASA_PORT"; do
  # A server that stops before the first start is done will not start by itself (a port in use, no model).
  for name in rasa actions; do
    first_pid "$name" >/dev/null; pid=${first[$name]}
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log=$data_dir/logs/$name.log
      echo; echo "error: the $name server stopped while starting: see $log (last lines below); fix the cause (a port in use? run make setup?), then start again" >&2
      tail -n 5 "$log" | sed 's/^/    /' >&2
      exit 1
    fi
  done
  # The bot runs without its web pages, as before; say so once.
  first_pid web >/dev/null; pid=${first[web]}
  if [ -z "${web_warned:-}" ] && [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    web_warned=1
    echo; echo "warning: the web server stopped (port $TRIALBOT_WEB_PORT in use?): see $data_dir/logs/web.log; it is started again, with backoff" >&2
  fi
  if [ -t 1 ]; then printf '.'; fi
  sleep 1
done
echo; echo "==> ready in $((SECONDS - started)) s; a server that stops is started again (pids in $pids_dir)"
wait
