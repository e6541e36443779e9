# breachdesk: `make run` serves the demo desk, `make test` proves everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON_BIN := $(shell command -v python3)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
BD := .venv/bin/breachdesk
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install debs run test lint typecheck migrations-check audit pytest pytest-pg pytest-passes bench messages clean

help:
	@echo "make run    install, migrate, load the OCO demo, serve http://$(HOST):$(PORT) and one worker"
	@echo "make test   ruff, mypy, migrations check, pytest on SQLite and (when reachable) PostgreSQL"
	@echo "make lint   ruff lint and format check only"
	@echo "make audit  bandit -ll on src, pip-audit on the locked dependencies (docs/security.md)"
	@echo "make bench  run every bench/*.py (one JSON line each)"

$(UV):
	$(PYTHON_BIN) -m pip install --quiet --user uv || $(PYTHON_BIN) -m pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$$(command -v uv || echo $(UV)) sync --frozen
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the suite and the demo need: Japanese fonts and pango for PDFs, gettext for the translations,
# chromium for the browser tests, dovecot for the IMAP tests, poppler for rendering PDFs. Installed only where we are
# root (or have sudo without a password); otherwise the missing ones are named.
DEBS := chromium fonts-noto-cjk gettext dovecot-imapd poppler-utils libpango-1.0-0 libpangoft2-1.0-0
debs:
	@need=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	  if [ -n "$$need" ] && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	  elif [ -n "$$need" ] && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	  elif [ -n "$$need" ]; then echo "breachdesk: please install:$$need" >&2; fi

install: .venv/.installed node_modules/.installed

run: export BREACHDESK_REQUIRE_2FA ?= false
run: install debs
	$(BD) migrate --no-input -v0
	$(BD) compilemessages -v0 --ignore=.venv --ignore=node_modules
	$(BD) collectstatic --no-input -v0
	@$(BD) demo --check || $(BD) demo --force >/dev/null
	@echo "breachdesk: the demo signs in with a password only (BREACHDESK_REQUIRE_2FA=$(BREACHDESK_REQUIRE_2FA)); production requires TOTP, set up with a one-time code from \`breachdesk otp-grant --user NAME\` or the incident lead's Members page."
	@echo "breachdesk: serving http://$(HOST):$(PORT)/ with one worker; Ctrl-C stops both."
	@$(BD) demo --logins-only
	@trap 'kill 0' INT TERM EXIT; \
	  $(BD) db_worker & \
	  .venv/bin/gunicorn breachdesk.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - & \
	  wait

lint: install
	.venv/bin/ruff check src scripts $(wildcard bench)
	.venv/bin/ruff format --check src scripts $(wildcard bench)

typecheck: install
	.venv/bin/mypy src $(wildcard bench/*.py)

migrations-check: install
	BREACHDESK_VAR_DIR=$(CURDIR)/var/check $(BD) makemigrations --check --dry-run -v1

messages: install debs
	$(BD) compilemessages -v0 --ignore=.venv --ignore=node_modules

pytest: install messages
	.venv/bin/pytest -q $(PYTEST_ARGS)

pytest-pg: install messages
	@if [ -n "$$DATABASE_URL" ] || pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  echo "== pytest on PostgreSQL"; DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" .venv/bin/pytest -q $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "CI: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; \
	else echo "== PostgreSQL not reachable: skipped the PostgreSQL run"; fi

# bandit reads its documented skips from pyproject.toml; pip-audit checks the locked versions (uv.lock), and passes
# with a message when the vulnerability database cannot be reached, unless BREACHDESK_AUDIT_REQUIRED=true.
audit: install
	.venv/bin/bandit -ll -q -r src -c pyproject.toml
	@mkdir -p var/audit
	$$(command -v uv || echo $(UV)) export --frozen --no-hashes --no-emit-project -q -o var/audit/requirements.txt
	.venv/bin/python -m breachdesk.security.audit var/audit/requirements.txt

# The two database passes run side by side (one per core), each with its own var directory: scripts/test_passes.sh.
test: lint typecheck migrations-check audit pytest-passes

pytest-passes: install messages
	PG_URL=$(PG_URL) scripts/test_passes.sh $(PYTEST_ARGS)

bench: install
	@for b in bench/*.py; do .venv/bin/python "$$b" || exit 1; done

clean:
	rm -rf .venv node_modules var/static
