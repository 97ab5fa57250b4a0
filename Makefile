# `make demo` and `make test` do all set-up on a fresh machine (Debian, Python 3.11, Node.js).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PG_URL ?= postgres://postgres@127.0.0.1:5432/hezuo
PYTEST_WORKERS ?= 2

.PHONY: install demo test test-sqlite test-postgres postgres bench bench-national clean

install: $(VENV)/.installed node_modules/.installed .debian-installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.debian-installed: deps/debian.txt scripts/install-debian
	scripts/install-debian
	touch $@

demo: install
	HEZUO_DEMO=1 $(BIN)/hezuo demo

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start" >&2; exit 1

test: install postgres
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# One run per database, browser tests included: on each worker they come after the
# TestCases (tests/conftest.py orders them), so the database their live server empties after
# each test is needed by no test that follows.
test-sqlite:
	export HEZUO_DATA_DIR=$$(mktemp -d); \
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-postgres:
	export HEZUO_DATA_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL); \
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Benchmarks compare against peers that the app itself does not need (requirements-bench.txt).
bench: install postgres
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-bench.txt
	$(BIN)/python bench/import_bench.py

# National scale (issue 4): ~80 s to generate 2,000,000 fund records into var/national and the
# PostgreSQL database hezuo_national, then ~3 min of measurements on both databases.
bench-national: install postgres
	$(BIN)/python bench/make_national.py
	$(BIN)/python bench/stats_bench.py

clean:
	rm -rf $(VENV) node_modules .debian-installed var
