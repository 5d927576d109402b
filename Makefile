# Everyday commands. `make build` and `make test` set up everything they need.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PUBLISHER := $(VENV)/bin/publisher
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
LIGHTHOUSE_STAMP := tools/lighthouse/node_modules/.installed
OUT ?= _site
PORT ?= 8000
PUBLISH_FLAGS ?=


.PHONY: help install build serve publish bench lighthouse check test lint format typecheck golden reference all system-deps clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) with publisher and its test tools (the first time takes a minute or two)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip "setuptools>=77"
	$(PY) -m pip install -q -e ".[test,dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json
	npm install --no-package-lock --no-audit --no-fund --silent
	touch $(NODE_STAMP)

install: $(STAMP)  ## Create .venv and install publisher with test and dev tools

build: $(STAMP)  ## Build the sample site into _site/
	$(PUBLISHER) build --out $(OUT)

serve: $(STAMP)  ## Preview the sample site at http://127.0.0.1:8000/ (rebuilds on save)
	$(PUBLISHER) serve --port $(PORT)

publish: $(STAMP)  ## Build, check and publish the sample site ([publish] target; default _publish/)
	$(PUBLISHER) publish $(PUBLISH_FLAGS)

check: $(STAMP)  ## Check the sample site's content and its build
	$(PUBLISHER) check --out $(OUT)

test: $(STAMP) $(NODE_STAMP)  ## Run the test suite (needs Java, npm, Chromium and id3v2: make system-deps)
	$(PY) -m pytest

lint: $(STAMP)  ## Ruff lint and format check
	$(VENV)/bin/ruff check publisher tests tools
	$(VENV)/bin/ruff format --check publisher tests tools

format: $(STAMP)  ## Reformat the code with ruff
	$(VENV)/bin/ruff format publisher tests tools
	$(VENV)/bin/ruff check --fix publisher tests tools

typecheck: $(STAMP)  ## Type-check the package, tests and tools with mypy (strict)
	$(VENV)/bin/mypy

golden: $(STAMP)  ## Record the sample site's output bytes in tests/golden/ (review the diff)
	$(PY) tools/golden.py > tests/golden/sample-site.sha256

reference: $(STAMP)  ## Rewrite README.md's site.toml reference table from the settings
	$(PY) tools/config_reference.py

all: lint typecheck test  ## Lint, type-check and test

bench: $(STAMP)  ## Benchmarks: builds (with Hugo and Pelican), the preview (with hugo server), publishing (with aws s3 sync)
	$(PY) tools/bench_results.py --reset
	$(PY) tools/bench_build.py
	$(PY) tools/bench_preview.py
	$(PY) tools/bench_publish.py
	$(PY) tools/bench_results.py

$(LIGHTHOUSE_STAMP): tools/lighthouse/package.json
	cd tools/lighthouse && npm install --no-package-lock --no-audit --no-fund --silent
	touch $(LIGHTHOUSE_STAMP)

lighthouse: $(STAMP) $(LIGHTHOUSE_STAMP)  ## Lighthouse scores of the sample site's home, episode and article pages (>= 0.95)
	$(PY) tools/lighthouse.py

system-deps:  ## Install the Debian packages the tests need (Java and npm for the HTML checker, Chromium, id3v2; as root)
	if ! command -v java >/dev/null || ! command -v chromium >/dev/null || ! command -v npm >/dev/null \
	    || ! command -v id3v2 >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jre-headless chromium id3v2 \
	    $$(command -v npm >/dev/null || echo npm); \
	fi

clean:  ## Remove the build output and caches (keeps .venv)
	rm -rf $(OUT) .lighthouse build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
