#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run): pytest, including the
# tests that start the real Rasa and action servers and the PostgreSQL
# tests, then `rasa data validate` and the end-to-end conversation stories.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TRIALBOT_ACTIONS_PORT=${TRIALBOT_ACTIONS_PORT:-5055}

# Browser tests use Debian's chromium (no browser download); install it when missing and we can.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# A Korean font, so that screenshots show Hangul rather than boxes.
if ! fc-list 2>/dev/null | grep -qi nanum && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null 2>&1 || true
fi

# The accessibility scan fetches axe-core from the npm registry (into .cache/axe).
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing Debian's npm for the accessibility scan"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi

if [ -z "${TRIALBOT_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
  export TRIALBOT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:5432/test"
fi

.venv/bin/ruff check bot actions addons web scripts tests
.venv/bin/mypy
# Every trial folder: schema, both languages, the listing's criteria, the examples (also a pytest test).
.venv/bin/python -m bot trial check trials/*/ tests/fixtures/trials/*/
.venv/bin/python -m pytest -q -p no:cacheprovider
.venv/bin/rasa data validate --domain domain --fail-on-warnings --quiet
.venv/bin/rasa test core --model models/trialbot.tar.gz --stories tests/test_stories.yml --e2e \
  --fail-on-prediction-errors --out results/stories --quiet
echo "conversation stories: all passed (results/stories)"
