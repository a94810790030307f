# Courtside: `make html` builds the sample site, `make test` runs the tests.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN_OPTS ?=
PORT ?= 8000

.PHONY: html publish serve check test test-fast lint clean rsync_upload s3_upload system-packages

# Deploy targets (see "Deploying" in the README).
SSH_HOST ?=
SSH_PORT ?= 22
SSH_USER ?=
SSH_TARGET_DIR ?=
RSYNC_TARGET ?= $(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)
S3_BUCKET ?=
CHECK_FORMAT ?= text

$(BIN)/courtside: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

html: $(BIN)/courtside
	$(BIN)/pelican -s pelicanconf.py $(PELICAN_OPTS)

# Production build: needs SITEURL in the environment; any warning is fatal.
publish: $(BIN)/courtside
	$(BIN)/pelican -s publishconf.py --fatal warnings $(PELICAN_OPTS)

check: $(BIN)/courtside
	$(BIN)/courtside check --format $(CHECK_FORMAT)

serve: $(BIN)/courtside
	$(BIN)/courtside serve --port $(PORT)

# The tests read the feeds with Mozilla's ical.js and check the pages with
# axe-core in Debian's chromium; this installs whatever of that is missing.
system-packages:
	.ci/install-system-packages

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json | system-packages
	npm ci --prefix tests/js --no-audit --no-fund

# Every core: the Makefile chooses, so `pytest` alone runs in one process.
TEST_WORKERS ?= auto

test: system-packages $(BIN)/courtside tests/js/node_modules/.package-lock.json
	$(BIN)/pytest -n $(TEST_WORKERS)

# The fast layer: pure rules, the loader and the commands in-process; run it on
# every change. `make test` runs it too, with the builds and the browser.
test-fast: $(BIN)/courtside
	$(BIN)/pytest -m "not e2e and not browser" -n $(TEST_WORKERS)

# The code's own check: ruff's rules as pyproject.toml sets them.
lint: $(BIN)/courtside
	$(BIN)/ruff check .

clean:
	rm -rf output cache

# Copy the production build to a server; --delete removes what the build no
# longer has (a rotated link, an archived project).
rsync_upload: publish
	@test "$(RSYNC_TARGET)" != "@:" || { echo "Set SSH_HOST, SSH_USER and SSH_TARGET_DIR (or RSYNC_TARGET)."; exit 1; }
	rsync -rlz --delete --checksum --chmod=Du=rwx,Dgo=rx,Fu=rw,Fgo=r -e "ssh -p $(SSH_PORT)" output/ "$(RSYNC_TARGET)/"

# Copy the production build to an S3 bucket that must not allow listing (see
# the README); --delete removes what the build no longer has.
s3_upload: publish
	@test -n "$(S3_BUCKET)" || { echo "Set S3_BUCKET."; exit 1; }
	aws s3 sync output/ "s3://$(S3_BUCKET)/" --delete --exclude _headers
