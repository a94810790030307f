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

test: $(BIN)/courtside
	$(BIN)/pytest

clean:
	rm -rf output cache
