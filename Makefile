# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
REALSHOP := $(VENV)/.realshop-stamp
PYTEST_ARGS ?=

.PHONY: demo test bench browser doctor clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# The real shop tests/realshop walks (django-oscar from PyPI: 10-45 s, ~220 MB). A failed install is logged and
# the rest of the suite still runs; tests/realshop then skips, naming the log. No stamp on failure: the next
# `make test` tries again.
$(REALSHOP): $(STAMP)
	@echo "installing the real shop for tests/realshop (django-oscar)"
	@if $(PY) -m pip install --quiet --disable-pip-version-check -e '.[realshop]' > $(VENV)/realshop-install.log 2>&1; \
	then touch $@; \
	else echo "realshop: django-oscar could not be installed; tests/realshop will skip (see $(VENV)/realshop-install.log)" >&2; fi

# Playwright's own Chromium if it can be downloaded, else the distribution package, else a clear message.
# Byte-compiled up front: with PYTHONDONTWRITEBYTECODE set (as on some CI images) every run,
# and every --workers process, would otherwise compile auditor's modules again (~0.08 s each).
browser: $(STAMP)
	@$(PY) -m compileall -q auditor
	$(PY) -m auditor.walk.install_browser

demo: browser
	$(VENV)/bin/auditor demo

# The exit code is kept in a file so .ci/run can tell "no tests ran" (pytest's 5) from a failure.
test: browser $(REALSHOP)
	@rm -f $(VENV)/pytest-exit-code
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; echo $$rc > $(VENV)/pytest-exit-code; exit $$rc

bench: browser
	$(PY) bench/run.py

doctor: $(STAMP)
	$(VENV)/bin/auditor doctor

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
