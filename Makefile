# Dream Recap: the two commands are `make demo` and `make test`. Everything else is set-up they share.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONCURRENCY ?= 2

.PHONY: lint lint-python lint-ts lint-sql lint-yaml image image-smoke node-test setup demo test python-deps node-deps browser profiles warehouse docs clean bench-warehouse bench-render bench-queue

setup: python-deps node-deps browser profiles.yml

python-deps: $(VENV)/.installed
$(VENV)/.installed: requirements.lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

node-deps: remotion/node_modules/.installed
remotion/node_modules/.installed: remotion/package.json remotion/package-lock.json
	# npm ci refuses a lock file that lacks other platforms' optional packages (Remotion's macOS /
	# Windows / arm compositors), which registries mirrored for one platform cannot provide; then
	# `npm install --no-save` installs the same locked versions without rewriting the lock file.
	cd remotion && (npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund)
	@touch $@

browser:
	@bash scripts/ensure-browser.sh

profiles.yml:
	cp profiles.example.yml profiles.yml

warehouse: setup
	$(BIN)/dbt build

# The main job on the embedded default: demo data -> dbt build -> videos in ./out
demo: setup
	$(BIN)/dbt build
	$(BIN)/render-runner go --concurrency $(CONCURRENCY)
	@echo "Videos are in $$(pwd)/out"

# Same set-up, then the whole test suite (CI runs exactly this through .ci/run)
test: setup lint node-test
	$(BIN)/python -m pytest

# Linters (run by `make test`, so by CI): one target per language
lint: lint-python lint-ts lint-sql lint-yaml

lint-python: python-deps
	$(BIN)/ruff check render_runner tests bench

lint-ts: node-deps
	cd remotion && npx tsc --noEmit
	cd remotion && npm run -s lint

# sqlfluff with the dbt templater (.sqlfluff): compiles the project on the DuckDB target, against a
# scratch file so linting never opens the warehouse.
lint-sql: python-deps profiles.yml
	@mkdir -p target
	RECAP_DUCKDB_PATH=target/sqlfluff.duckdb $(BIN)/sqlfluff lint models analyses data-tests --processes $(CONCURRENCY)

# every YAML file of the project (.yamllint); the deploy manifests with warnings as errors too
lint-yaml: python-deps
	$(BIN)/yamllint .
	$(BIN)/yamllint --strict deploy compose.yaml .yamllint

# Node unit tests (node --test) of the render worker: remotion/worker/**/*.test.mjs
node-test: node-deps
	cd remotion && npm test


docs: setup
	$(BIN)/dbt docs generate
	@echo "Open target/index.html, or run: $(BIN)/dbt docs serve"

# The container image (Containerfile), built with docker, buildah or podman, whichever is usable
# (scripts/image.sh; on Debian without any, it installs buildah). IMAGE names it.
IMAGE ?= dream-recap:latest
image:
	IMAGE=$(IMAGE) bash scripts/image.sh build

# Build if needed, then run the demo inside the image (dbt build on DuckDB + render-runner go) and
# leave the MP4s, posters and manifest.jsonl in OUT, checked with ffprobe. Minutes: not in `make test`.
image-smoke:
	@test -n "$(OUT)" || { echo "usage: make image-smoke OUT=<folder>"; exit 2; }
	IMAGE=$(IMAGE) CONCURRENCY=$(CONCURRENCY) bash scripts/image.sh smoke "$(OUT)"

clean:
	rm -rf out target logs warehouse.duckdb .render-cache

# Benchmarks (not tests: they print figures; results go to BENCHMARKS.md)
bench-warehouse: setup
	$(BIN)/python bench/warehouse.py

bench-render: setup
	$(BIN)/python bench/render.py

# the job queue at fleet scale on the Postgres the PG* variables or 127.0.0.1:5432 name (its own schema)
bench-queue: python-deps
	$(BIN)/python bench/queue.py
	$(BIN)/python bench/queue.py --heartbeat
