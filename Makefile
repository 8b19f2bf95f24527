# Quick start: `make run` (set up and serve the site), `make test` (the test suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ADDRESS ?= 127.0.0.1:8000

# Where `make test-services` finds the real services (scripts/services.sh starts them).
SERVICES_ENV := \
	DATABASE_URL=$${DATABASE_URL:-postgres://consult:consult@127.0.0.1:5432/consult} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	ELASTICSEARCH_URL=$${ELASTICSEARCH_URL:-http://127.0.0.1:9200} \
	VERAPDF_JAR=$${VERAPDF_JAR:-/var/tmp/consult-services/verapdf/verapdf-cli.jar}
NO_SERVICES := env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL -u VERAPDF_JAR

.PHONY: help install run worker test test-services lint format bench lock messages services clean

help:
	@echo "make run            set up (venv, packages, assets, SQLite, demo content) and serve the site"
	@echo "make test           run every test that needs no external service"
	@echo "make test-services  run the whole suite against PostgreSQL, Redis and Elasticsearch"
	@echo "make lint           ruff, mypy, migrations and translation checks"
	@echo "make bench          run the benchmarks, write bench/results.json and bench/RESULTS.md"
	@echo "make services       install and start PostgreSQL, Redis, Elasticsearch locally (root)"

$(VENV)/.installed: requirements/dev.txt
	@scripts/system-deps.sh run
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@scripts/system-deps.sh run
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

cms/static/cms/build/main.css: node_modules/.installed cms/frontend/main.scss
	npm run --silent build

locale/vi/LC_MESSAGES/django.mo: $(VENV)/.installed locale/vi/LC_MESSAGES/django.po locale_vendor/vi/LC_MESSAGES/django.po
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

install: $(VENV)/.installed cms/static/cms/build/main.css locale/vi/LC_MESSAGES/django.mo

run: install
	$(MANAGE) migrate --noinput -v 1
	$(MANAGE) seed_demo
	ADDRESS=$(ADDRESS) PYTHON=$(BIN)/python scripts/run-dev.sh

worker: install
	$(MANAGE) task_worker

test: install
	@scripts/system-deps.sh test
	$(NO_SERVICES) $(BIN)/pytest -m "not services"

test-services: install
	@scripts/system-deps.sh test
	$(SERVICES_ENV) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(NO_SERVICES) $(MANAGE) makemigrations --check --dry-run
	scripts/check-messages.sh

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run.py

lock:
	$(BIN)/pip-compile --quiet --strip-extras --output-file requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --strip-extras --output-file requirements/dev.txt requirements/dev.in

messages: install
	$(MANAGE) makemessages -l vi --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench

services:
	scripts/services.sh install
	scripts/services.sh start

clean:
	rm -rf $(VENV) node_modules cms/static/cms/build static db.sqlite3
