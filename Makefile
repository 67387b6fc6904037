# carnet: the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres quality typecheck format audit clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools>=68" wheel
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/carnet demo

test: $(STAMP)
	scripts/run-tests

test-sqlite: $(STAMP)
	scripts/run-tests sqlite

test-postgres: $(STAMP)
	scripts/run-tests postgres

quality: $(STAMP)
	$(BIN)/ruff format --check carnet conftest.py scripts docs
	$(BIN)/ruff check carnet conftest.py scripts docs
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) typecheck

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format carnet conftest.py scripts docs
	$(BIN)/ruff check --fix carnet conftest.py scripts docs

audit: $(STAMP)
	$(BIN)/pip-audit -r requirements.lock --progress-spinner off

clean:
	rm -rf $(VENV) var/test-*
