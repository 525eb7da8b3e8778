# The two commands of the README: `make up` and `make test`.
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
PY := /usr/bin/python3
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: all deps web build up test test-unit test-web test-api test-jobs test-data test-data-stats test-eval test-prometheus test-cli test-mlflow test-browser test-crash test-train test-serving test-label bench clean docs

all: build

deps:
	@scripts/install-deps.sh

web/dist/index.html: $(shell find web/src -type f 2>/dev/null) web/package.json web/index.html web/vite.config.ts
	cd web && npm run build

web: web/dist/index.html

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: web $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Install what is missing, build, start the server with the demo project.
up: deps build
	@echo "Starting Moebius at http://$(HOST):$(PORT) (data in $(DATA)/; first start prints the admin password)"
	$(BUILD)/moebius server --data-dir $(DATA) --host $(HOST) --port $(PORT) --demo

# Install, build, run every test.
test: deps build
	$(MAKE) test-unit test-web test-api test-jobs test-data test-data-stats test-eval test-crash test-prometheus test-cli test-mlflow test-train test-serving test-label test-browser

test-unit:
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-web:
	cd web && npm test

test-api:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/api

test-jobs:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/jobs

test-data:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/data

test-data-stats:
	MOEBIUS_TABLE_STATS=$(CURDIR)/$(BUILD)/src/data/table/moebius_table_stats $(PY) -m pytest -q tests/data_stats

test-eval:
	MOEBIUS_EVAL_REF=$(CURDIR)/$(BUILD)/src/eval/moebius_eval_ref $(PY) -m pytest -q tests/eval

test-train:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/train

test-serving:
	MOEBIUS_TREE_PREDICT=$(CURDIR)/$(BUILD)/src/serving/moebius_tree_predict $(PY) -m pytest -q tests/serving

test-label:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius MOEBIUS_EVAL_REF=$(CURDIR)/$(BUILD)/src/eval/moebius_eval_ref $(PY) -m pytest -q tests/label

test-crash:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/crash

test-prometheus:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius $(PY) -m pytest -q tests/prometheus

test-cli:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius tests/cli/cli_e2e_test.sh

test-mlflow:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius node --test tests/mlflow-client/

test-browser:
	MOEBIUS_BIN=$(CURDIR)/$(BUILD)/moebius node --test tests/browser/

bench: build
	bench/run.sh

docs: build
	$(BUILD)/moebius permissions > docs/permissions.md

clean:
	rm -rf $(BUILD) web/dist
