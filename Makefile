# liangpai — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto

.PHONY: run test check bench setup assets messages e2e-deps clean help

# `make run` is the demo/development server; production runs gunicorn (README.md).
run setup messages check: export DEBUG ?= 1
bench: export SECRET_KEY ?= bench-only-not-a-secret

help:
	@echo "make run    - 安装、迁移、载入示范城市并启动 http://$(HOST):$(PORT) / install, migrate, seed demo city, serve"
	@echo "make test   - 安装测试依赖并运行全部测试 / install test dependencies and run the suite"
	@echo "make check  - ruff, mypy, 迁移检查, 依赖方向 / lint, types, migrations, import contracts"
	@echo "make bench  - 性能基准 / benchmarks (figures go to docs/performance.md)"

$(VENV)/.base: requirements/base.txt scripts/find-python
	@PYTHON=$$(scripts/find-python) && { [ -x $(PY) ] || $$PYTHON -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

static/vendor/.stamp: package-lock.json scripts/vendor-assets
	@command -v npm >/dev/null || { echo "需要 Node.js 与 npm 来安装前端资源 / Node.js and npm are needed for the front-end assets"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	scripts/vendor-assets
	@touch $@

assets: static/vendor/.stamp

messages: $(VENV)/.base
	$(MANAGE) compile_translations

setup: $(VENV)/.base assets messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty

run: setup
	@echo "liangpai: http://$(HOST):$(PORT)  (示范账号见 README.md / demo accounts in README.md)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker & \
	  $(MANAGE) runserver $(HOST):$(PORT) --noreload

e2e-deps:
	@scripts/ensure-chromium

test: $(VENV)/.dev assets messages e2e-deps
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

check: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -r liangpai config -c pyproject.toml --severity-level high --quiet
	$(MANAGE) makemigrations --check --dry-run

bench: $(VENV)/.dev assets messages
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor db.sqlite3
