# 政策通 policybot — `make run` serves, `make test` tests; both install what they need first.
# Python 3.11 is required; point at another interpreter with `make run PYTHON=/path/to/python3.11`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs only what the default (lexical) mode needs; the tests add dev tools and the dense extra.
BASE_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
TEST_STAMP := $(VENV)/.installed-test
# The dense extra needs torch; PyPI's torch wheel pulls multi-gigabyte CUDA libraries, so the CPU build
# comes from a local wheel when pip can find one (find-links), else from this index.
TORCH_VERSION := 2.13.0
TORCH_INDEX_URL ?= https://download.pytorch.org/whl/cpu

# Offline by design: no model hub, no gradio telemetry.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-dev install-test run index ask test bench lint clean

$(BASE_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null || \
		{ echo "需要 Python 3.11：请安装后用 make $(MAKECMDGOALS) PYTHON=/path/to/python3.11 指定" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BASE_STAMP)

$(DEV_STAMP): $(BASE_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

$(TEST_STAMP): $(DEV_STAMP)
	# CPU torch first (no dependencies yet: the next step resolves them from the ordinary index).
	$(BIN)/pip install --quiet --no-index --no-deps torch==$(TORCH_VERSION) 2>/dev/null || \
		$(BIN)/pip install --quiet --no-deps torch==$(TORCH_VERSION) --index-url $(TORCH_INDEX_URL)
	$(BIN)/pip install --quiet -e '.[dev,dense,dense-test]'
	touch $(TEST_STAMP)

install: $(BASE_STAMP)
install-dev: $(DEV_STAMP)
install-test: $(TEST_STAMP)

index: install
	$(BIN)/policybot index --if-missing

run: index
	$(BIN)/policybot serve

# make ask Q="首次流片费用1200万元能补多少"
ask: index
	@test -n "$(Q)" || { echo '用法：make ask Q="首次流片费用1200万元能补多少"' >&2; exit 2; }
	@$(BIN)/policybot ask "$(Q)"

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy calculators bot

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
