# Obvious targets; every one sets up what it needs first (scripts/setup.sh).
.PHONY: setup run run-scaled test unit validate train stories crossval shell bench clean

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

## The whole suite: pytest (core, actions, records on SQLite and PostgreSQL,
## real servers), then `rasa data validate` and the conversation stories.
test: setup
	bash scripts/test.sh

unit: setup
	$(VENV)/python -m pytest -q -m "not rasa"

validate: setup
	$(VENV)/rasa data validate --fail-on-warnings

train: setup

stories: setup
	$(VENV)/rasa test core --model models/trialbot.tar.gz --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results

crossval: setup
	$(VENV)/rasa test nlu --nlu data/nlu.yml --config config.yml --cross-validation --folds 3 --out results/crossval

shell: setup
	bash scripts/shell.sh

## This bot against a `rasa init` reference under load; BENCH_ARGS="--users 10 --rounds 3 --profile".
bench: setup
	$(VENV)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf models results .pytest_cache
