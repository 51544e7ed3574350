# The two commands: `make run` and `make test`. Everything they need installs from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := $(VENV)/.stamps
export FLASK_APP := wsgi.py

.PHONY: run serve test lint test-sqlite test-postgres fuzz translations install install-test browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMPS)/run: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@ $(STAMPS)/run

install: $(STAMPS)/run
install-test: $(STAMPS)/test

translations: $(STAMPS)/run
	$(BIN)/flask translate compile

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask twinning demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Production: gunicorn with gunicorn.conf.py, after the migrations. Needs TWINNING_SECRET_KEY
# and TWINNING_DATABASE_URL (PostgreSQL) in the environment; see docs/deploy.md.
serve: install translations
	TWINNING_ENV=production $(BIN)/flask db upgrade
	TWINNING_ENV=production $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

lint: install-test
	$(BIN)/ruff check .

# The browser tests (tests/browser) drive Debian's chromium, never a downloaded browser, and
# inject axe-core from node_modules. Each is installed only when it is missing.
browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	test -d node_modules/axe-core || npm ci --no-audit --no-fund

test-sqlite: install-test translations browser-deps
	TWINNING_TEST_BACKEND=sqlite $(BIN)/pytest

test-postgres: install-test translations browser-deps
	TWINNING_TEST_BACKEND=postgresql $(BIN)/pytest

test: lint test-sqlite test-postgres

# The property-based tests with many more examples than the ordinary run's few (hypothesis
# profile "fuzz" in tests/conftest.py: every form, the API's parameters and its contract
# under schemathesis, the importer), on the backend TWINNING_TEST_BACKEND names.
FUZZ_TESTS := tests/test_hostile_input.py tests/test_api_contract.py
fuzz: install-test translations
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest $(FUZZ_TESTS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
