#!/usr/bin/env bash
# Talk to the bot in the terminal: starts the action server, then `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TRIALBOT_ACTIONS_PORT=${TRIALBOT_ACTIONS_PORT:-5055}
umask 077
mkdir -p var/logs
# The action server listens on localhost only and needs its token (by environment, never an argument).
if [ -z "${TRIALBOT_ACTIONS_TOKEN:-}" ]; then
  [ -s var/actions_token ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > var/actions_token
  TRIALBOT_ACTIONS_TOKEN=$(cat var/actions_token)
fi
export TRIALBOT_ACTIONS_TOKEN
SANIC_HOST=127.0.0.1 .venv/bin/python -m addons.action_server --port "$TRIALBOT_ACTIONS_PORT" >var/logs/actions.log 2>&1 &
trap 'kill $! 2>/dev/null || true' EXIT INT TERM
sleep 8
sed -e "s#127.0.0.1:5055/#127.0.0.1:$TRIALBOT_ACTIONS_PORT/#" \
    -e '/^action_endpoint:/a\  token: ${TRIALBOT_ACTIONS_TOKEN}' endpoints.yml > var/endpoints.yml
.venv/bin/rasa shell --model models/trialbot.tar.gz --endpoints var/endpoints.yml
