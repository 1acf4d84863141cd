#!/usr/bin/env bash
# Talk to the bot in the terminal: starts the action server, then `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TRIALBOT_ACTIONS_PORT=${TRIALBOT_ACTIONS_PORT:-5055}
mkdir -p var/logs
# The action server has no authentication: it listens on localhost only.
SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --port "$TRIALBOT_ACTIONS_PORT" >var/logs/actions.log 2>&1 &
trap 'kill $! 2>/dev/null || true' EXIT INT TERM
sleep 8
sed "s#127.0.0.1:5055/#127.0.0.1:$TRIALBOT_ACTIONS_PORT/#" endpoints.yml > var/endpoints.yml
.venv/bin/rasa shell --model models/trialbot.tar.gz --endpoints var/endpoints.yml
