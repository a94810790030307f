# Courtside: `make html` builds the sample site, `make test` runs the tests.
# Both create the virtual environment in .venv on first use, from the locks in
# requirements/: the site's targets (html, publish, check, serve) install the
# runtime lock only; test, test-fast, lint and types add the development lock.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PELICAN_OPTS ?=
PORT ?= 8000

.PHONY: html example-history publish host-build whole-history serve check test test-fast lint types lock messages clean rsync_upload s3_upload system-packages

# Deploy targets (see "Deploying" in the README).
SSH_HOST ?=
SSH_PORT ?= 22
SSH_USER ?=
SSH_TARGET_DIR ?=
RSYNC_TARGET ?= $(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)
S3_BUCKET ?=
CHECK_FORMAT ?= text

RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
# One stamp per lock, kept in the venv: each is newer than the lock it
# installed, so a changed lock (or pyproject.toml) installs again, and a venv
# made by an older Makefile (no stamps) is brought to the locked versions.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exactly the locked versions, each checked against its hash; then Courtside
# itself, editable, with nothing more (--no-deps) and built by the locked
# setuptools (--no-build-isolation), so nothing unlocked is fetched.
define install_lock
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@
endef

$(RUNTIME): $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(call install_lock,$(RUNTIME_LOCK))

# The development lock holds every runtime pin too (make lock constrains it to
# them), so the runtime stamp stays valid and the site's targets install nothing.
$(DEV): $(DEV_LOCK) $(RUNTIME)
	$(call install_lock,$(DEV_LOCK))

# What earlier Makefiles built; kept for scripts and notes that name it.
$(BIN)/courtside: $(DEV)

html: $(RUNTIME)
	$(BIN)/pelican -s pelicanconf.py $(PELICAN_OPTS)

# The sample site with a short scripted history of Acme's client file, built in
# a throwaway repository (cache/example-history): a fresh copy of this
# repository has no history of its own to show (see History in the README).
example-history: $(RUNTIME)
	$(BIN)/python scripts/example_history.py

# Production build: needs SITEURL in the environment; any warning is fatal.
publish: $(RUNTIME)
	$(BIN)/pelican -s publishconf.py --fatal warnings $(PELICAN_OPTS)

# The production build a host runs from the repository itself (Netlify's
# netlify.toml, the build command of Cloudflare Pages): the whole git history
# first (the portals show moved dates from it; Cloudflare clones shallow, and a
# shallow history stops a production build), then the client files checked and
# the production build into output/, the only folder a host may publish.
# (In this order: make builds prerequisites left to right unless run with -j.)
host-build: whole-history check publish

whole-history:
	@if [ "$$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then \
		echo "Fetching the whole history (this clone is shallow)"; \
		git fetch --quiet --unshallow; \
	fi

check: $(RUNTIME)
	$(BIN)/courtside check --format $(CHECK_FORMAT)

serve: $(RUNTIME)
	$(BIN)/courtside serve --port $(PORT)

# The tests read the feeds with Mozilla's ical.js and check the pages with
# axe-core in Debian's chromium; this installs whatever of that is missing.
system-packages:
	.ci/install-system-packages

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json | system-packages
	npm ci --prefix tests/js --no-audit --no-fund

# Every core: the Makefile chooses, so `pytest` alone runs in one process.
TEST_WORKERS ?= auto

test: system-packages $(DEV) tests/js/node_modules/.package-lock.json
	$(BIN)/pytest -n $(TEST_WORKERS)

# The fast layer: pure rules, the loader and the commands in-process; run it on
# every change. `make test` runs it too, with the builds and the browser.
test-fast: $(DEV)
	$(BIN)/pytest -m "not e2e and not browser" -n $(TEST_WORKERS)

# The code's own check: ruff's rules as pyproject.toml sets them.
lint: $(DEV)
	$(BIN)/ruff check .

# The type check; its settings are [tool.mypy] in pyproject.toml.
types: $(DEV)
	$(BIN)/mypy

# Resolve the locks again after pyproject.toml's dependencies changed; existing
# pins are kept unless asked (make lock LOCK_OPTS=--upgrade, or
# LOCK_OPTS='--upgrade-package icalendar'). pip-compile resolves for the Python
# that runs it, and the locks are for 3.11, which CI and the deploys run.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --build-deps-for editable $(LOCK_OPTS)
LOCK_OPTS ?=

lock: $(DEV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "make lock: the locks are for Python 3.11; make a venv with PYTHON=python3.11."; exit 1; }
	$(PIP_COMPILE) --output-file $(RUNTIME_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra test --extra lint --extra types --extra lock \
		--constraint $(RUNTIME_LOCK) --output-file $(DEV_LOCK) pyproject.toml

# The portal's words: extract them from the code and templates (babel.cfg)
# into the template catalog, and bring every language's .po up to date with it.
LOCALE = plugins/courtside/locale
messages: $(DEV)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header \
		-c TRANSLATORS: -o $(LOCALE)/courtside.pot .
	$(BIN)/pybabel update -D courtside -i $(LOCALE)/courtside.pot -d $(LOCALE) \
		--ignore-obsolete --no-fuzzy-matching

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
