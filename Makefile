# unionportal: `make run` serves the demo, `make test` runs every test. Both install into .venv first,
# the exact versions in requirements.lock (`make lock` refreshes it from pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
# pipefail: a pip failure piped through grep must still stop the install (and leave no stamp).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
# The day the demo shows (unionportal.clock): its campaign as it stands in late April.
DEMO_TODAY ?= 2026-04-27

.PHONY: install lock run test lint format messages bench clean

$(STAMP): pyproject.toml $(LOCK)
	@echo "==> Creating the virtual environment in $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing the Python packages from $(LOCK) (first run: a minute or two)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --require-hashes -r $(LOCK) \
		| { grep -v '^Requirement already satisfied' || true; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -c "import django, celery, psycopg"  # fail here, not later, if the install did not take
	touch $(STAMP)

install: $(STAMP)

# Refresh requirements.lock after a change to pyproject.toml's dependencies: pins already in the file are
# kept where the ranges still allow them; `make lock UPGRADE=1` takes the newest versions of everything.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip-tools
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links $(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml

run: install
	@echo "==> Migrating the embedded database (var/db.sqlite3)"
	$(BIN)/python manage.py migrate --noinput -v 0
	@echo "==> Loading the demo data"
	DEMO_TODAY=$(DEMO_TODAY) $(BIN)/python manage.py seed_demo
	DEMO_TODAY=$(DEMO_TODAY) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python bin/bench

clean:
	rm -rf var/test-artifacts var/static
