# Two commands on a fresh clone: `make run` and `make test`. Everything installs into .venv,
# exactly the versions in uv.lock (uv itself, pinned, in .tools). `make lock` updates uv.lock.
PYTHON ?= python3
UV_VERSION := 0.13.9
# .tools is a plain venv: its pip and setuptools (Python 3.11 ships setuptools 65, with known
# vulnerabilities) are upgraded to pinned versions too
PIP_VERSION := 26.3
SETUPTOOLS_VERSION := 84.2.1
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
TOOLS := .tools/.pinned-uv$(UV_VERSION)-pip$(PIP_VERSION)-setuptools$(SETUPTOOLS_VERSION)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install lock run test ui ui-readonly query validate lint browser bench clean

$(TOOLS):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install -qq --upgrade pip==$(PIP_VERSION) setuptools==$(SETUPTOOLS_VERSION) uv==$(UV_VERSION)
	rm -f .tools/.pinned-*
	touch $@

$(VENV)/.installed: pyproject.toml uv.lock | $(TOOLS)
	$(UV) sync --frozen --extra dev --python $(PYTHON) --quiet
	@echo "installed $$($(BIN)/python --version) and $$($(UV) pip list --python $(BIN)/python 2>/dev/null | tail -n +3 | wc -l) packages from uv.lock into $(VENV)"
	touch $@

install: $(VENV)/.installed

lock: | $(TOOLS)  ## re-resolve uv.lock after changing pyproject.toml
	$(UV) lock

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

run: install $(DAGSTER_HOME)/dagster.yaml  ## aggregate the registry (CATALOGUE_REGISTRY) into CATALOGUE_DIR
	$(BIN)/python -m pipelines run

ui: install $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on the same instance, http://127.0.0.1:3000
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

ui-readonly: install $(DAGSTER_HOME)/dagster.yaml  ## the UI for viewers: no launches, no switches
	$(BIN)/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p $(or $(PORT),3001) --read-only

query: install  ## make query SQL="SELECT ..." [CSV=out.csv]
	$(BIN)/python -m pipelines query $(if $(CSV),--csv "$(CSV)",) $(if $(SQL),"$(SQL)",)

validate: install  ## make validate FEED=file-or-URL FORMAT=csv ARGS="--mapping title=Titel ..." (or SOURCE=id)
	$(BIN)/python -m pipelines validate-feed $(if $(FEED),"$(FEED)",) $(if $(FORMAT),--format $(FORMAT),) \
		$(if $(SOURCE),--registry "$(or $(CATALOGUE_REGISTRY),data/providers.yaml)" --source $(SOURCE),) $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# The report and UI tests drive Debian's Chromium with Playwright (no browser download here).
CHROMIUM := /usr/bin/chromium
APT_CHROMIUM := apt-get install -y -qq --no-install-recommends chromium >/dev/null
browser:  ## Debian's Chromium, installed with apt-get when missing (as root)
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { $(APT_CHROMIUM) || { apt-get update -qq && $(APT_CHROMIUM); }; }; } \
		|| { echo "the browser tests need Debian's chromium: apt-get install chromium" >&2; exit 1; }

test: install lint browser
	$(BIN)/python -m pytest -q

bench: install  ## make bench SOURCES=100 RECORDS=1000
	$(BIN)/python bench/run_pipeline.py --sources $(or $(SOURCES),100) --records $(or $(RECORDS),1000)

clean:
	rm -rf $(VENV) .tools .dagster_home data/catalogue bench/out
