#!/usr/bin/env bash
# Everything the bot needs on a fresh machine, doing only what changed:
# a Python 3.10 venv in .venv, the pinned dependencies, the data folder, encryption key and database schema, and a
# trained model when the training data changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

PY=$(bash scripts/find_python.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "==> creating .venv with $PY"
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing dependencies (Rasa, spaCy, TensorFlow: about 2.7 GB, a few minutes the first time)"
  .venv/bin/python -m pip install --quiet --upgrade "pip<24"
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
  .venv/bin/python -m pip check
  echo "$want" > "$stamp"
fi

.venv/bin/python -m bot init
.venv/bin/python -m bot sync-domain >/dev/null

# Train only when the domain, config, training data or trial file changed.
fingerprint=$(cat domain/*.yml config.yml data/*.yml | sha256sum | cut -d' ' -f1)
if [ ! -f models/trialbot.tar.gz ] || [ "$(cat models/.fingerprint 2>/dev/null)" != "$fingerprint" ]; then
  echo "==> training the assistant (1-3 minutes)"
  .venv/bin/rasa train --domain domain --fixed-model-name trialbot --out models --quiet
  echo "$fingerprint" > models/.fingerprint
fi
