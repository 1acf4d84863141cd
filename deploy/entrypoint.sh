#!/bin/sh
# Starts one role of the bot in a container: rasa | actions | web | init.
# Secrets come as files (Docker/Kubernetes secrets): for each VAR below,
# VAR_FILE names a file holding its value; nothing secret is in the
# environment definition itself.
set -eu
for var in TRIALBOT_DATABASE_URL TRIALBOT_API_TOKEN TRIALBOT_ACTIONS_TOKEN TRIALBOT_REDIS_PASSWORD; do
  eval "file=\${${var}_FILE:-}"
  if [ -n "$file" ]; then
    value=$(cat "$file")
    export "$var=$value"
  fi
done
mkdir -p "${TRIALBOT_DATA_DIR:-/tmp/trialbot}"
role=${1:-rasa}
[ $# -gt 0 ] && shift
case "$role" in
  init)  # schema (Alembic) and Rasa's events table, once, before the servers start
    python -m bot init
    exec python -c 'import os, sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
SQLTrackerStore.Base.metadata.create_all(sa.create_engine(os.environ["TRIALBOT_DATABASE_URL"]))' ;;
  rasa)  # the API token from TRIALBOT_API_TOKEN, never an argument (addons/rasa_server.py)
    exec python -m addons.rasa_server run --interface 0.0.0.0 --port "${TRIALBOT_RASA_PORT:-5005}" \
      --model models/trialbot.tar.gz --endpoints "${TRIALBOT_ENDPOINTS:-endpoints.scaled.yml}" \
      --credentials credentials.yml --enable-api "$@" ;;
  actions)  # reachable on the private network only; refuses calls without TRIALBOT_ACTIONS_TOKEN
    SANIC_HOST=${SANIC_HOST:-0.0.0.0} exec python -m addons.action_server --port "${TRIALBOT_ACTIONS_PORT:-5055}" "$@" ;;
  web)  # listens on the container's address (python -m web alone binds 127.0.0.1)
    exec python -m web --host 0.0.0.0 ;;
  *) exec "$role" "$@" ;;
esac
