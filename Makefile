# Fabrique — plain targets: demo, test, quality, bench, messages.
# A Python >= 3.12 is looked for on PATH (python3.13, python3.12, python3), or given as PYTHON=...

SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Test processes (pytest-xdist): one per CPU by default; TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

# First interpreter that runs and is at least 3.12.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 python; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit 0; }; \
	done; \
	command -v pyenv >/dev/null 2>&1 && for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.|$$)' | sort -rV); do \
	p=$$(pyenv root)/versions/$$v/bin/python3; [ -x $$p ] && { echo $$p; exit 0; }; done)

.PHONY: help
help:
	@echo "make demo     install everything and start the demo on http://127.0.0.1:8000"
	@echo "make test     install the test tools and run the whole test suite"
	@echo "make quality  linters (ruff, djlint, import-linter, mypy, migrations)"
	@echo "make bench    benchmark scripts (print figures)"

.PHONY: python
python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Fabrique needs Python 3.12 or newer, and none was found on PATH."; \
	  echo "Install one (Debian/Ubuntu: apt install python3 python3-venv) or run: make demo PYTHON=/path/to/python3.12"; \
	  exit 1; fi
	@command -v "$(PYTHON)" >/dev/null 2>&1 || { \
	  echo "$(PYTHON) was not found. Fabrique needs Python 3.12 or newer: give its path with PYTHON=..."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
	  echo "$(PYTHON) is $$($(PYTHON) -V 2>&1); Fabrique needs Python 3.12 or newer."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "$(PYTHON) cannot create virtual environments: install the venv module (Debian/Ubuntu: apt install python3-venv)."; exit 1; }

$(UV): | python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.PHONY: install install-dev
# Bytecode is written at install time: commands start in half the time, even where
# PYTHONDONTWRITEBYTECODE keeps Python from writing it as it runs. The text matcher's indexes
# are built too (var/matching, 15 to 45 s the first time; loaded in a second afterwards), so
# that the first `fabrique match` answers at once.
install: $(UV)
	$(UV) sync --frozen --inexact --no-dev --compile-bytecode
	$(BIN)/python -m compileall -q fabrique >/dev/null
	$(BIN)/fabrique match prepare

install-dev: $(UV)
	$(UV) sync --frozen --inexact --group dev --compile-bytecode
	$(BIN)/python -m compileall -q fabrique >/dev/null
	$(BIN)/fabrique match prepare

.PHONY: demo
demo: install
	$(BIN)/fabrique demo $(ARGS)

.PHONY: test
test: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

.PHONY: quality
quality: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint fabrique
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/fabrique makemigrations --check --dry-run

.PHONY: bench
bench: install-dev
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

.PHONY: messages
messages: install-dev
	$(BIN)/fabrique makemessages -l fr -l de --no-obsolete --add-location file --ignore "tests/*" --ignore "benchmarks/*" --ignore "var/*" --ignore "scripts/*"
	$(BIN)/fabrique compilemessages --ignore ".venv"

.PHONY: clean
clean:
	rm -rf $(VENV) var/test-*
