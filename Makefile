# Two commands on a fresh machine (Python 3.11+ and make):
#   make run    set up .venv, build the bundled PyTorch landscape and serve it on 127.0.0.1:8000
#   make test   set up .venv with the test tools and run lint, types and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean

run: $(VENV)/.stamp-run
	$(BIN)/torchscape serve

test: $(VENV)/.stamp-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp-test
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py

$(VENV)/.stamp-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m compileall -q src  # see "Each command imports" in the README
	touch $@

$(VENV)/.stamp-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m compileall -q src
	# GitHub's published GraphQL schema, to check our queries against (needs npm; skipped without)
	if command -v npm >/dev/null; then npm install --prefix .tools --no-save --no-audit --no-fund --silent @octokit/graphql-schema; fi
	touch $@ $(VENV)/.stamp-run

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
