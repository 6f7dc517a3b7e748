# PRM portal: every command a person runs. `make help` lists them.
#
# The virtualenv is created with `python3 -m venv` and dependencies are installed by pip. A stamp file
# inside the venv remembers the install, so pip runs again only when a requirements file changes.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON        ?= python3
VENV          ?= .venv
PY             = $(VENV)/bin/python
PIP            = $(PY) -m pip --disable-pip-version-check
MANAGE         = $(PY) manage.py
HOST          ?= 127.0.0.1
PORT          ?= 8000
# The address every link the portal writes (e-mails, certificate share links, receipt PDFs, did:web) points to:
# the one `make demo` / `make run` serves, so `make demo PORT=8101` links to port 8101.
SITE_URL      ?= http://$(HOST):$(PORT)
DEMO_PASSWORD ?= demo-pass-2026
PYTEST_ARGS   ?=
BENCH_ARGS    ?=

LOAD_ARGS     ?=
RUNTIME_STAMP = $(VENV)/.installed-runtime
LOAD_STAMP    = $(VENV)/.installed-load
DEV_STAMP     = $(VENV)/.installed

.PHONY: help install install-runtime migrate demo demo-banner reset-demo run test test-fast faults lint format \
        messages migrations-check check-deploy worker beat bench load browsers clean

help: ## List the targets
	@echo "PRM portal - make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

# --- virtualenv and dependencies --------------------------------------------------------------------

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "error: the portal needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	  echo "       Run with PYTHON=/path/to/python3.11, e.g. make demo PYTHON=python3.11" >&2; exit 1; }
	@echo ">> creating virtualenv $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "error: '$(PYTHON) -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# Runtime dependencies only: enough for `make demo` / `make run`.
$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	@echo ">> installing runtime dependencies (requirements.txt)"
	$(PIP) install -r requirements.txt
	@touch $@

# Runtime + test/lint tools (requirements-dev.txt includes requirements.txt).
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	@echo ">> installing runtime and development dependencies (requirements-dev.txt)"
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

install: $(DEV_STAMP) ## Create .venv and install runtime + test/lint dependencies

install-runtime: $(RUNTIME_STAMP) ## Create .venv and install runtime dependencies only

migrate: $(RUNTIME_STAMP) ## Apply database migrations
	$(MANAGE) migrate --noinput

# --- running the portal -------------------------------------------------------------------------------

demo: $(RUNTIME_STAMP) ## Install, migrate, seed demo data, print the logins and serve on http://127.0.0.1:8000 (PORT=8101: another port)
	$(MANAGE) migrate --noinput
	SITE_URL='$(SITE_URL)' $(MANAGE) seed_demo --password '$(DEMO_PASSWORD)' --no-banner
	@$(MAKE) --no-print-directory demo-banner
	SITE_URL='$(SITE_URL)' $(MANAGE) runserver $(HOST):$(PORT)

demo-banner:
	@line='+------------------------------------------------------------------------------+'; \
	echo; echo "$$line"; \
	printf '| %-76s |\n' \
	  "PRM portal demo: $(SITE_URL)/" \
	  "Log in at $(SITE_URL)/accounts/login/" \
	  "Password for every account below: $(DEMO_PASSWORD)" \
	  "" \
	  "admin@example.com      program admin" \
	  "manager@example.com    channel manager" \
	  "finance@example.com    finance" \
	  "finance2@example.com   finance (second approver for payouts)" \
	  "alice@acme.example     partner admin, Acme Cloud Partners (Gold reseller)" \
	  "bob@acme.example       partner user,  Acme Cloud Partners" \
	  "carol@globex.example   partner admin, Globex Integrators (Silver SI)" \
	  "" \
	  "E-mail (invitations, notifications) is printed in this terminal." \
	  "Stop the server with Ctrl+C."; \
	echo "$$line"; echo

reset-demo: ## Delete the SQLite demo database, then run `make demo` again
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "error: DATABASE_URL is set; reset-demo only deletes the local SQLite file db.sqlite3." >&2; exit 1; fi
	rm -f db.sqlite3
	@$(MAKE) --no-print-directory demo

run: $(RUNTIME_STAMP) ## Serve on http://127.0.0.1:8000 (no migrate, no seeding)
	SITE_URL='$(SITE_URL)' $(MANAGE) runserver $(HOST):$(PORT)

worker: $(RUNTIME_STAMP) ## Celery worker (needs REDIS_URL)
	@[ -n "$${REDIS_URL:-}" ] || echo "warning: REDIS_URL is not set: tasks run inline in the web process and this worker gets nothing." >&2
	$(VENV)/bin/celery -A config worker -l info

beat: $(RUNTIME_STAMP) ## Celery beat with the database scheduler (needs REDIS_URL)
	@[ -n "$${REDIS_URL:-}" ] || echo "warning: REDIS_URL is not set: beat has no broker to send periodic tasks to." >&2
	$(VENV)/bin/celery -A config beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# --- quality ------------------------------------------------------------------------------------------

test: $(DEV_STAMP) ## Whole test suite (PostgreSQL/Redis/browser tests skip, saying so, when absent)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: $(DEV_STAMP) ## Tests without the browser (e2e) journeys
	$(VENV)/bin/pytest -m "not e2e" $(PYTEST_ARGS)

faults: $(DEV_STAMP) ## Fault tests: kill/restart their own PostgreSQL, Redis, gunicorn and Celery worker (~3 min)
	$(VENV)/bin/pytest -m faults tests/faults $(PYTEST_ARGS)

e2e: $(DEV_STAMP) ## Browser journeys only (headless /usr/bin/chromium); screenshots of failures in test-results/
	$(VENV)/bin/pytest -m e2e tests/e2e $(PYTEST_ARGS)

audit: $(DEV_STAMP) ## pip-audit: known vulnerabilities in the pinned runtime requirements (needs network)
	$(VENV)/bin/pip-audit -r requirements.txt --progress-spinner off

lint: $(DEV_STAMP) ## ruff check + ruff format --check + lint-imports (the app layers, docs/architecture.md)
	@rc=0; \
	echo ">> ruff check ."; $(VENV)/bin/ruff check . || rc=1; \
	echo ">> ruff format --check ."; $(VENV)/bin/ruff format --check . || rc=1; \
	echo ">> lint-imports"; $(VENV)/bin/lint-imports --no-cache || rc=1; \
	exit $$rc

format: $(DEV_STAMP) ## Sort imports and format the code with ruff
	$(VENV)/bin/ruff check --select I --fix .
	$(VENV)/bin/ruff format .

messages: $(DEV_STAMP) ## Rebuild the Spanish and German catalogues from locale/fragments (needs gettext)
	$(MANAGE) translations build
	$(MANAGE) translations check

migrations-check: $(RUNTIME_STAMP) ## Fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

check-deploy: $(RUNTIME_STAMP) ## Django's deployment checks with production-like settings
	DJANGO_SETTINGS_MODULE=config.settings DEBUG=false \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	ALLOWED_HOSTS=portal.example.com \
	SIGNING_KEYS="deploy-check:$$($(PY) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode())')" \
	$(MANAGE) check --deploy --fail-level WARNING

bench: $(DEV_STAMP) ## Run every bench/bench_*.py (as modules, from the repo root)
	@set -e; shopt -s nullglob; files=(bench/bench_*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks yet (bench/bench_*.py)"; exit 0; fi; \
	for f in "$${files[@]}"; do \
	  mod="bench.$$(basename "$$f" .py)"; \
	  echo ">> $(PY) -m $$mod $(BENCH_ARGS)"; \
	  $(PY) -m "$$mod" $(BENCH_ARGS); \
	done

# locust lives in requirements-load.txt so that normal installs stay lean.
$(LOAD_STAMP): requirements.txt requirements-load.txt | $(VENV)/bin/python
	@echo ">> installing the load-test tools (requirements-load.txt)"
	$(PIP) install -r requirements-load.txt
	@touch $@

load: $(DEV_STAMP) $(LOAD_STAMP) ## Load test: gunicorn + worker on a seeded scratch DB, locust at 10-100 users (DATABASE_URL)
	$(PY) -m bench.load.run_load $(LOAD_ARGS)

browsers: ## Install Debian's chromium + chromium-driver for the e2e tests (never `playwright install`)
	@if [ -x /usr/bin/chromium ]; then echo "/usr/bin/chromium is already installed"; exit 0; fi; \
	command -v apt-get >/dev/null || { echo "error: apt-get not found; install chromium so that /usr/bin/chromium exists" >&2; exit 1; }; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	set -x; \
	$$sudo apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

clean: ## Remove caches and generated files (keeps .venv, db.sqlite3 and media/)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results bench/results
