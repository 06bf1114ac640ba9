# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate setup seed messages makemessages lint format check serve clean prod prod-check soak

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed; a catalogue newer than its .mo is compiled again when gettext
# is on the machine (only then: two test runs side by side never rewrite a .mo the other reads).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

messages: install $(CATALOGUES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null 2>&1; then msgfmt --check-format -o $@ $<; \
	else echo "msgfmt not found: using the committed $@"; fi

makemessages: install
	$(PY) manage.py makemessages -l es -l fr --ignore=.venv --ignore=tests --no-obsolete

migrate: install
	$(PY) manage.py migrate --noinput -v0

setup: migrate
	$(PY) manage.py setup_workspace

seed: setup
	$(PY) manage.py seed_demo

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

run: messages seed serve

test: install messages
	@test -x $(CHROMIUM) || echo "Chromium not found at $(CHROMIUM): the browser journeys (tests/e2e) are skipped. Install it with: apt-get install chromium"
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The production topology on loopback: nginx (TLS) → two daphne, PostgreSQL, Redis, the worker
# (deploy/prod.sh; Ctrl-C stops it). prod-check: CI's load-and-fault suite against it; soak: full size.
prod: install
	deploy/prod.sh

prod-check: install
	deploy/prod.sh --check

soak: install
	deploy/prod.sh --soak

clean:
	rm -rf $(VENV) staticfiles test-db.sqlite3* .pytest_cache .prod
