# pubcredit: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check venv system-packages keys migrate demo-data serve bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

system-packages:
	@scripts/system-packages

keys: var/pubcredit.env var/reports/signing-cert.pem

var/pubcredit.env: | $(STAMP)
	$(BIN)/python scripts/make_keys.py $@

var/reports/signing-cert.pem: | var/pubcredit.env
	$(BIN)/pubcredit reports keys

migrate: $(STAMP) keys
	$(BIN)/pubcredit migrate --no-input
	$(BIN)/pubcredit collectstatic --no-input --verbosity 0

demo-data: migrate
	$(BIN)/pubcredit demo load

serve: migrate
	$(BIN)/pubcredit serve

## make demo: set up, load the deterministic demo city (西安 pack) and serve on http://127.0.0.1:8000
demo: demo-data
	$(BIN)/pubcredit demo accounts
	$(BIN)/pubcredit serve

## make test: set up and run the whole suite on SQLite and on PostgreSQL when one is reachable
test: $(STAMP) system-packages
	scripts/run-tests

## make check: lint and type-check
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## make bench: the benchmarks that print the README's figures
bench: $(STAMP)
	@scripts/system-packages --bench
	$(BIN)/python bench/demo_load.py
	$(BIN)/python bench/http_lookup.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
