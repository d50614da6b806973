# The only entry points. Needs: Python 3.11 (3.12 works), Node >= 20.19, make; the browser tests use
# Chromium (/usr/bin/chromium, or CHROMIUM_PATH), the infrastructure checks Terraform >= 1.11.
# `make doctor` checks them; test and dev check first and, as root on Debian/Ubuntu, apt-get
# what the distribution has. Everything else installs here.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/$(TOOLS)/bin/uv)
export UV  # the frontend's scripts run uv too (API client generation, the e2e stack)
# checkov pins dozens of libraries of its own: it lives in a separate, hash-locked venv.
CHECKOV := $(TOOLS)/checkov/bin/checkov
CHECKOV_LOCK := ops/tools/checkov-requirements.txt
# The stand-in Terraform providers (infra/tests/provider_standin) run in their own hash-locked venv.
STANDIN := $(TOOLS)/standin/.installed
STANDIN_LOCK := infra/tests/provider_standin/requirements.txt
export UV_PYTHON_DOWNLOADS ?= automatic
export UV_LINK_MODE ?= copy

FRONTEND_DEPS := frontend/node_modules/.package-lock.json
# Standard library only: it runs before the venv exists (ops/src/taskapp_ops/doctor.py).
DOCTOR := python3 ops/src/taskapp_ops/doctor.py

.PHONY: help doctor prerequisites-test prerequisites-dev install standin dev test lint fmt typecheck migrate bench lighthouse figures deploy clean lock-tools frontend

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

doctor: ## Check the prerequisites (Python, Node, make, Chromium, Terraform): versions or the fix
	@$(DOCTOR) --for test

# What `make test` and `make dev` run first: the same check, and as root on Debian or Ubuntu
# apt-get installs what the distribution has (Chromium, make, the venv module); elsewhere it
# stops with the command to run.
prerequisites-test:
	@$(DOCTOR) --for test --install

prerequisites-dev:
	@$(DOCTOR) --for dev --install

$(CURDIR)/$(TOOLS)/bin/uv:
	@echo "==> Bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(if $(shell command -v uv 2>/dev/null),,$(CURDIR)/$(TOOLS)/bin/uv) ## Install the locked Python environment (.venv)
	@echo "==> Installing the locked Python environment (.venv; the first run downloads wheels)"
	$(UV) sync --frozen --all-packages

$(CHECKOV): $(CHECKOV_LOCK) | install
	@echo "==> Installing checkov into $(TOOLS)/checkov"
	$(UV) venv --quiet --allow-existing --python 3.11 $(TOOLS)/checkov
	VIRTUAL_ENV=$(TOOLS)/checkov $(UV) pip sync --quiet --require-hashes $(CHECKOV_LOCK)
	touch $@

$(STANDIN): $(STANDIN_LOCK) | install
	@echo "==> Installing the stand-in Terraform providers' environment into $(TOOLS)/standin"
	$(UV) venv --quiet --allow-existing --python 3.11 $(TOOLS)/standin
	VIRTUAL_ENV=$(TOOLS)/standin $(UV) pip sync --quiet --require-hashes $(STANDIN_LOCK)
	touch $@

standin: $(STANDIN) ## Install the stand-in Terraform providers' environment (.tools/standin)

lock-tools: install ## Re-resolve the checkov tool lock
	echo "checkov==3.3.30" | $(UV) pip compile - --quiet --python-version 3.11 --generate-hashes \
		-o $(CHECKOV_LOCK) --custom-compile-command "make lock-tools"

$(FRONTEND_DEPS): frontend/package-lock.json
	@echo "==> Installing the locked npm packages (frontend/node_modules)"
	npm --prefix frontend ci --no-audit --no-fund
	touch $@

frontend: $(FRONTEND_DEPS) ## Build the single-page app into frontend/dist
	@echo "==> Building the frontend (frontend/dist)"
	npm --prefix frontend run build

dev: prerequisites-dev install frontend ## Start the whole app locally and print its address
	@echo "==> Starting the local stack (PostgreSQL, Redis, AWS emulator, API, worker, edge)"
	$(UV) run --frozen taskapp-dev

test: prerequisites-test install lint typecheck $(CHECKOV) $(STANDIN) $(FRONTEND_DEPS) ## Run every test (Python, infra, frontend, browser)
	@echo "==> Building the frontend (the local-stack tests serve it)"
	npm --prefix frontend run build
	@echo "==> pytest: backend, ops (local stack), infra (Terraform against the stand-in, checkov)"
	CHECKOV=$(abspath $(CHECKOV)) $(UV) run --frozen pytest backend/tests ops/tests infra/tests
	@echo "==> Frontend: Biome, tsc, API client drift, Vitest, build, browser tests"
	npm --prefix frontend run test:all

.PHONY: fuzz
fuzz: install ## Schemathesis over the API, longer than in `make test` (FUZZ_EXAMPLES, FUZZ_STEPS, FUZZ_SEED)
	TASKAPP_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),300) TASKAPP_FUZZ_STEPS=$(or $(FUZZ_STEPS),30) \
		TASKAPP_FUZZ_SEED=$(or $(FUZZ_SEED),$(shell date +%s)) \
		$(UV) run --frozen pytest backend/tests/test_api_fuzz.py -p no:cacheprovider -s

lint: install ## ruff lint + format check, hadolint on the Dockerfile, actionlint on the workflows
	@echo "==> Lint: ruff, ruff format, hadolint, actionlint"
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen hadolint backend/Dockerfile
	$(UV) run --frozen actionlint

fmt: install ## Format the Python code
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

typecheck: install ## mypy --strict on our code
	@echo "==> Type check: mypy --strict"
	$(UV) run --frozen mypy backend/src backend/migrations ops/src

deploy: install ## Release: make deploy ENV=dev|stage|prod [IMAGE_TAG=<tag> [SKIP_MIGRATIONS=1]]
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=dev|stage|prod [IMAGE_TAG=<tag>] [SKIP_MIGRATIONS=1]"; exit 2; }
	$(MAKE) frontend
	$(UV) run --frozen python -m taskapp_ops.deploy --env $(ENV) \
		$(if $(IMAGE_TAG),--image-tag $(IMAGE_TAG) --skip-build) $(if $(SKIP_MIGRATIONS),--skip-migrations)

bench: install ## API throughput and latency between a ceiling and a floor (needs wrk; BENCH_ARGS=--help)
	$(UV) run --frozen python bench/api_throughput.py $(BENCH_ARGS)

lighthouse: install $(FRONTEND_DEPS) ## Lighthouse scores of the login page and a 200-task board (mobile, desktop)
	@echo "==> Building the frontend (the local stack serves it)"
	npm --prefix frontend run build
	@echo "==> Lighthouse on the local stack (reports in frontend/test-results/lighthouse)"
	npm --prefix frontend run lighthouse

figures: install $(FRONTEND_DEPS) ## The board's figures: JS per page, time to first card (200 tasks), one move with 1,000 loaded
	@echo "==> Building the frontend (the local stack serves it)"
	npm --prefix frontend run build
	npm --prefix frontend run figures

migrate: install ## Apply migrations to APP_DATABASE_URL
	cd backend && $(UV) run --frozen alembic upgrade head

clean: ## Remove the environment, caches and builds
	rm -rf .venv $(TOOLS) .mypy_cache .ruff_cache .pytest_cache frontend/node_modules frontend/dist
