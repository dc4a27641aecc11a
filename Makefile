# Mithaq's commands. Only python3 and make are needed: uv and .venv are set up on first use.
#   make run     serve the product with demo data on http://127.0.0.1:8000
#   make test    lint, then the test suite on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)
#   make messages  refresh the translation catalogues from the source and compile them

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv on PATH, `python3 -m uv`, or one installed into .tools/ (see scripts/bootstrap_uv.py).
UV ?= $(PYTHON) scripts/bootstrap_uv.py
# Trust the system's certificates (a proxy's own CA included), as pip and Python do;
# UV_NATIVE_TLS is the older name of UV_SYSTEM_CERTS.
export UV_SYSTEM_CERTS ?= 1
export UV_NATIVE_TLS ?= 1
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers match the two cores the project's machines have; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
# Extra arguments for the PostgreSQL pass only.
POSTGRES_PYTEST_ARGS ?=
# With PostgreSQL (production's database) present, every test runs there, and the SQLite pass
# (the zero-setup default) runs all but the browser journeys and the whole-site checks (marker
# `site`: every URL, header, page and string), whose subject is the HTTP and the HTML, not the
# database. Without it, the SQLite pass runs everything.
ifneq ($(strip $(TEST_DATABASE_URL)),)
SQLITE_PYTEST_ARGS ?= -m "not browser and not site"
else
SQLITE_PYTEST_ARGS ?=
endif
ARGS ?=
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -ra --durations=10 $(PYTEST_ARGS)

.PHONY: help install run test lint bench system-packages messages

help:
	@echo "make run     set up, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test    set up, lint, test on SQLite, then on PostgreSQL if TEST_DATABASE_URL is set"
	@echo "make lint    ruff, import-linter (the layers) and mypy"
	@echo "make bench   load scenarios (bench/run.py \$$ARGS)"
	@echo "make messages refresh locale/*/LC_MESSAGES/django.po from the source and compile the .mo"
	@echo "make install the virtualenv in .venv, from uv.lock, with the dev tools"

install:
	$(UV) sync --frozen --group dev

system-packages:
	@bash scripts/system_packages.sh

# ruff (its checks and its format), the apps' layers (import-linter's contract in pyproject.toml) and the types (mypy).
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) -m mypy

run: export DJANGO_SETTINGS_MODULE := config.settings.dev
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) scripts/run.py --host $(HOST) --port $(PORT)

# The SQLite pass ignores any DATABASE_URL in the environment; the PostgreSQL pass points
# DATABASE_URL at TEST_DATABASE_URL, and pytest-django creates and drops test_<name> there.
# Both passes run even if the first fails, so one run shows every failure.
test: install system-packages lint
	@status=0; \
	echo "== SQLite: $(PYTEST) $(SQLITE_PYTEST_ARGS)"; \
	env -u DATABASE_URL $(PYTEST) $(SQLITE_PYTEST_ARGS) || status=1; \
	if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
		echo "== PostgreSQL (TEST_DATABASE_URL): $(PYTEST) $(POSTGRES_PYTEST_ARGS)"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PYTEST) $(POSTGRES_PYTEST_ARGS) || status=1; \
	elif [ "$${MITHAQ_REQUIRE_POSTGRES:-}" = 1 ]; then \
		echo "MITHAQ_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2; status=1; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped."; \
	fi; \
	exit $$status

bench: install
	@bash scripts/system_packages.sh bench
	$(PY) bench/run.py $(ARGS)

# The catalogues that are translated; the committed .mo must match `msgfmt` of its .po
# (tests/test_translations.py). Needs GNU gettext, which system-packages installs.
LOCALES ?= ar fr es
messages: install system-packages
	@for lang in $(LOCALES); do \
		$(PY) manage.py makemessages -l $$lang --no-obsolete --ignore 'tests/*' --ignore '.venv/*' \
			--ignore 'bench/*' --ignore 'var/*' --ignore 'scripts/*' --ignore 'docs/*' \
			--ignore 'artifacts/*' || exit 1; \
		msgfmt --check-format -o locale/$$lang/LC_MESSAGES/django.mo \
			locale/$$lang/LC_MESSAGES/django.po || exit 1; \
		msgfmt --statistics -o /dev/null locale/$$lang/LC_MESSAGES/django.po; \
	done
