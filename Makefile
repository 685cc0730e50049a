# ANTQ Registry — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 3
# Access log without query strings or referrers: searches carry people's and places' names.
# The response's X-Request-ID links a log line to the history rows that request wrote.
ACCESS_LOG_FORMAT := '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

.PHONY: run test setup lint bench backup restore clean-db

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "ANTQ Registry: http://127.0.0.1:$(PORT)/  (người dùng mẫu: admin, tinh, xa, huyen, huyen2, lanhdao / mật khẩu antq-demo)"
	exec $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - --access-logformat $(ACCESS_LOG_FORMAT) --timeout 60

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m bench

backup: setup
	$(PY) manage.py backup

restore: setup
	@test -n "$(FILE)" || (echo "Cách dùng: make restore FILE=var/backups/<tệp>.dump" && exit 2)
	$(PY) manage.py restore "$(FILE)"
