# civreg — two commands on a fresh Debian 12 machine with Python 3.11:
#   make demo   renders a sample birth book, digitizes it, prints the evaluation
#   make test   ruff + mypy + pytest
# Each target installs what it needs and skips what is already there.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := .apt-installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
	fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core \
	postgresql chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export OMP_THREAD_LIMIT := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: setup apt venv prefect-db demo test lint typecheck unit bench clean

setup: apt venv prefect-db

# apt: only when something is missing (dpkg-query is cheap; apt-get update is not).
apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Prefect's own database: migrating it on first use can outlast the ephemeral server's start-up
# timeout (shared/notes/measured.md), so do it once here.
PREFECT_STAMP := $(VENV)/.prefect-db
prefect-db: $(PREFECT_STAMP)
$(PREFECT_STAMP): $(STAMP)
	$(BIN)/prefect server database upgrade -y >/dev/null
	touch $(PREFECT_STAMP)

demo: setup
	$(BIN)/civreg demo --out demo-out

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

# One pytest worker per core: OCR runs single-threaded (OMP_THREAD_LIMIT=1), so a 2-core machine
# runs the suite in about half the time.
unit: setup
	$(BIN)/pytest -q -n auto --durations=15

test: setup lint typecheck unit

bench: setup
	$(BIN)/python -m bench.accuracy
	$(BIN)/python -m bench.speed

clean:
	rm -rf demo-out .pytest_cache .mypy_cache .ruff_cache
