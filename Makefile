# Obvious targets; every one sets up what it needs first (scripts/setup.sh).
.PHONY: setup run run-scaled test check lint unit validate train stories crossval shell bench soak fuzz personas offtopic safety clean

VENV := .venv/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)
export TRIALBOT_ACTIONS_PORT ?= 5055

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

## Two Rasa servers (each with its own action server) on PostgreSQL and
## Redis's lock store, behind the web server: scripts/run_scaled.sh.
run-scaled:
	bash scripts/run_scaled.sh

## The whole suite (what CI runs): pytest (readers, conversation, records on
## SQLite and PostgreSQL, the live servers, the browser), `rasa data validate`
## and the end-to-end stories. Live samples of the personas, the off-topic
## table and the fuzzer; the targets below run them all.
test: setup
	bash scripts/test.sh

unit: setup
	$(VENV)/python -m pytest -q -m "not rasa"

## ruff (style, complexity <= 15) and mypy (types) on bot/, actions/, addons/, web/: settings in pyproject.toml.
lint:
	$(VENV)/ruff check bot actions addons web scripts tests
	$(VENV)/mypy

## The fast lane for the edit-test loop: lint, then no training, no servers, no browser.
check: lint
	$(VENV)/python -m pytest -q -p no:cacheprovider -m "not rasa and not postgres and not scale" \
	  --ignore=tests/test_browser.py --ignore=tests/test_scale.py -x

## Every safety vignette batch (tests/safety/) through the live servers, typed at
## three different questions; prints sensitivity and specificity per language and sign.
safety: setup
	$(VENV)/python scripts/safety_score.py tests/safety/*.jsonl --live --at consent,respondent,age \
	  --json results/safety.json

validate: setup
	$(VENV)/rasa data validate --domain domain --fail-on-warnings

train: setup

stories: setup
	$(VENV)/rasa test core --model models/trialbot.tar.gz --stories tests/test_stories.yml --e2e \
	  --fail-on-prediction-errors --out results/stories

## SOAK_ARGS="--users 50 --minutes 10": whole screenings through the web server with the action
## server and the Rasa server killed mid-run; counts lost, duplicated and misfiled answers, errors and
## memory; writes results/soak.json (scripts/soak.py).
soak: setup
	$(VENV)/python scripts/soak.py $(SOAK_ARGS)

## Every persona through the live servers and the evaluator.
personas: setup
	TRIALBOT_PERSONA_SAMPLE=0 $(VENV)/python -m pytest -q tests/test_live.py -k persona

## Every off-topic message at every question, through the live servers.
offtopic: setup
	TRIALBOT_OFFTOPIC_ALL=1 $(VENV)/python -m pytest -q tests/test_live.py -k answer_nothing

## 300 generated conversations through the live servers (CI runs 12 live, 300 in-process).
fuzz: setup
	TRIALBOT_FUZZ_LIVE_N=300 $(VENV)/python -m pytest -q tests/test_live.py -k generated_conversations

## Intent cross-validation, English and Korean separately.
crossval: setup
	$(VENV)/python scripts/crossval.py

shell: setup
	bash scripts/shell.sh

## This bot against a `rasa init` reference under load; BENCH_ARGS="--users 10 --rounds 3 --profile".
bench: setup
	$(VENV)/python scripts/bench.py $(BENCH_ARGS)
	$(VENV)/python scripts/sites_bench.py --json results/sites_bench.json

clean:
	rm -rf models results .pytest_cache
