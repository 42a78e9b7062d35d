# `make run` and `make test` set everything up themselves: a virtualenv in
# .venv, the pinned requirements, the database.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

# Throughput, latency and SQL queries per page: gunicorn in production mode on
# a throw-away SQLite database (or DATABASE_URL's), loaded with wrk. Knobs:
# BENCH_DURATION (seconds per page), BENCH_PRODUCTS, BENCH_STORES; see bench/run.py.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Render time and SQL queries of the catalog pages at 10,000 and 100,000
# products, logged in (test client, median of 20); see bench/scale.py.
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
