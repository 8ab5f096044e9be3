# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test bench browser doctor clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Playwright's own Chromium if it can be downloaded, else the distribution package, else a clear message.
# Byte-compiled up front: with PYTHONDONTWRITEBYTECODE set (as on some CI images) every run,
# and every --workers process, would otherwise compile auditor's modules again (~0.08 s each).
browser: $(STAMP)
	@$(PY) -m compileall -q auditor
	$(PY) -m auditor.walk.install_browser

demo: browser
	$(VENV)/bin/auditor demo

# The exit code is kept in a file so .ci/run can tell "no tests ran" (pytest's 5) from a failure.
test: browser
	@rm -f $(VENV)/pytest-exit-code
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; echo $$rc > $(VENV)/pytest-exit-code; exit $$rc

bench: browser
	$(PY) bench/run.py

doctor: $(STAMP)
	$(VENV)/bin/auditor doctor

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
