# Two commands on a fresh clone: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install run test ui query validate lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

run: install $(DAGSTER_HOME)/dagster.yaml  ## aggregate the registry (CATALOGUE_REGISTRY) into CATALOGUE_DIR
	$(BIN)/python -m pipelines run

ui: install $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on the same instance, http://127.0.0.1:3000
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

query: install  ## make query SQL="SELECT ..."
	$(BIN)/python -m pipelines query $(if $(SQL),"$(SQL)",)

validate: install  ## make validate FEED=file-or-URL FORMAT=csv ARGS="--mapping title=Titel ..." (or SOURCE=id)
	$(BIN)/python -m pipelines validate-feed $(if $(FEED),"$(FEED)",) $(if $(FORMAT),--format $(FORMAT),) \
		$(if $(SOURCE),--registry "$(or $(CATALOGUE_REGISTRY),data/providers.yaml)" --source $(SOURCE),) $(ARGS)

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest -q

bench: install  ## make bench SOURCES=100 RECORDS=1000
	$(BIN)/python bench/run_pipeline.py --sources $(or $(SOURCES),100) --records $(or $(RECORDS),1000)

clean:
	rm -rf $(VENV) .dagster_home data/catalogue bench/out
