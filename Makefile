# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

# The first of python3.13, python3.12, python3 that is at least 3.12.
SYSTEM_PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)

.PHONY: install run test lint format bench messages

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(SYSTEM_PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (looked for python3.13, python3.12, python3)."; \
		echo "Install it (e.g. 'apt-get install python3' on a recent Debian, or pyenv) and run make again."; \
		exit 1; fi
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(PY) manage.py load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: install
	$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py makemessages -d djangojs -l fr -l en --ignore=.venv --ignore=staticfiles

bench: install
	$(PY) bench/run.py
