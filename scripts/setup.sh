#!/usr/bin/env bash
# Everything the bot needs on a fresh machine, doing only what changed:
# a Python 3.10 venv in .venv, the pinned dependencies, the data folder, encryption key and database schema, and a
# trained model when the training data changed.
# One line per step on the terminal; everything the tools print (warnings
# included) goes to var/logs/setup.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}

log_dir="${TRIALBOT_DATA_DIR:-$PWD/var}/logs"
mkdir -p "$log_dir"
log="$log_dir/setup.log"
echo "---- setup $(date -u +%FT%TZ)" >>"$log"
shown_log=${log#"$PWD/"}

fail() {  # fail "what failed" "what to do next"
  echo "error: $1 failed: see $shown_log (last lines below); $2" >&2
  tail -n 5 "$log" | sed 's/^/    /' >&2
  exit 1
}

# run "label" "next step on failure" command...: runs quietly (output to the
# log); on a terminal shows a dot every 5 s so a long step is seen to move.
run() {
  local label=$1 hint=$2; shift 2
  echo "---- $label: $*" >>"$log"
  "$@" >>"$log" 2>&1 &
  local pid=$! n=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1; n=$((n + 1))
    if [ $((n % 5)) = 0 ] && [ -t 1 ]; then printf '.'; fi
  done
  if ! wait "$pid"; then
    [ -t 1 ] && [ $n -ge 5 ] && echo
    fail "$label" "$hint"
  fi
  if [ -t 1 ] && [ $n -ge 5 ]; then echo; fi
}

# pip, with a running count of the packages it has checked or fetched.
pip_install() {
  echo "---- pip install -r requirements-dev.txt" >>"$log"
  local before; before=$(wc -l <"$log")
  .venv/bin/python -m pip install --progress-bar off -r requirements-dev.txt >>"$log" 2>&1 &
  local pid=$! count
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    count=$(tail -n +"$before" "$log" | grep -c -E '^(Collecting|Requirement already satisfied)' || true)
    if [ -t 1 ]; then printf '\r    %s packages checked or downloaded' "$count"; fi
  done
  if ! wait "$pid"; then
    [ -t 1 ] && echo
    fail "pip install" "check the network to the package registry (and the disk space: about 2.7 GB), then run make setup again"
  fi
  count=$(tail -n +"$before" "$log" | grep -c -E '^(Collecting|Requirement already satisfied)' || true)
  if [ -t 1 ]; then printf '\r'; fi
  echo "    $count packages in place"
}

PY=$(bash scripts/find_python.sh)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  echo "==> creating .venv with $PY"
  rm -rf .venv
  run "creating the virtual environment" "check that $PY works (python3.10 -m venv needs the venv module)" \
    "$PY" -m venv .venv
fi

stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing dependencies (Rasa, spaCy, TensorFlow: about 2.7 GB, a few minutes the first time)"
  run "pip upgrade" "check the network to the package registry, then run make setup again" \
    .venv/bin/python -m pip install --upgrade "pip<24"
  pip_install
  run "pip check" "a dependency conflict: see the log, fix requirements*.txt, then run make setup again" \
    .venv/bin/python -m pip check
  echo "$want" > "$stamp"
else
  echo "==> dependencies: up to date"
fi


# The data folder, key and schema; what `bot init` says (a new key, the
# database) is worth showing, its warnings are not.
init_out=$(.venv/bin/python -m bot init 2>>"$log") || {
  echo "$init_out" >>"$log"
  fail "database set-up (python -m bot init)" "check TRIALBOT_DATABASE_URL and that the database server answers, then run make setup again"
}
echo "$init_out" >>"$log"
echo "$init_out" | sed 's/^/==> /'
run "writing the generated domain and rules (python -m bot sync-domain)" "run '.venv/bin/python -m bot sync-domain' to see the error" \
  .venv/bin/python -m bot sync-domain

# Train only when the domain, config or training data changed (file names are
# part of the fingerprint, so a rename retrains too). Trials are not part of it:
# the domain and NLU name no trial, so a new or changed trial folder, wherever
# it lives, is picked up when the servers start, with no training.
sources=()
for p in domain.yml domain config.yml data; do
  [ -e "$p" ] && sources+=("$p")
done
fingerprint=$(find "${sources[@]}" -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | sort -z \
  | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
domain_arg=domain.yml
[ -d domain ] && domain_arg=domain
if [ ! -f models/trialbot.tar.gz ] || [ "$(cat models/.fingerprint 2>/dev/null)" != "$fingerprint" ]; then
  echo "==> training the assistant (1-3 minutes; output in $shown_log)"
  start=$(date +%s.%N)
  run "training (rasa train)" "see the log for the first error (often a mistake in domain or data files), fix it, then run make setup again" \
    .venv/bin/rasa train --domain "$domain_arg" --config config.yml --data data \
      --fixed-model-name trialbot --out models
  took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo "$fingerprint" > models/.fingerprint
  echo "$took" > models/.train_seconds
  echo "setup: trained in $took s" >>"$log"
  echo "    trained in $took s"
else
  echo "==> model: up to date (models/trialbot.tar.gz)"
fi
