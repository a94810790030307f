# Courtside: `make html` builds the sample site, `make test` runs the tests.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN_OPTS ?=
PORT ?= 8000

.PHONY: html publish serve test clean

$(BIN)/courtside: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

html: $(BIN)/courtside
	$(BIN)/pelican -s pelicanconf.py $(PELICAN_OPTS)

publish: $(BIN)/courtside
	$(BIN)/pelican -s publishconf.py $(PELICAN_OPTS)

serve: $(BIN)/courtside
	$(BIN)/pelican -s pelicanconf.py --autoreload --listen --port $(PORT) $(PELICAN_OPTS)

# The calendar tests read the feeds with an independent parser (ical.js).
tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund

test: $(BIN)/courtside tests/js/node_modules/.package-lock.json
	$(BIN)/pytest

clean:
	rm -rf output cache
