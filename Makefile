# unionportal: `make run` serves the demo, `make test` runs every test. Both install into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format messages bench clean

$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing the Python packages (first run: a minute or two)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]' | grep -v '^Requirement already satisfied' || true
	$(BIN)/python -c "import django, celery, psycopg"  # fail here, not later, if the install did not take
	touch $(STAMP)

install: $(STAMP)

run: install
	@echo "==> Migrating the embedded database (var/db.sqlite3)"
	$(BIN)/python manage.py migrate --noinput -v 0
	@echo "==> Loading the demo data"
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

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
