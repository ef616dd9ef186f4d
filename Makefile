# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve test lint format bench snapshot lighthouse backup restore clean messages compilemessages

# `make serve`: the production settings on this machine, over plain HTTP on loopback.
# A real deployment sets SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL, REDIS_URL
# and serves HTTPS (see the README); here the key is generated once into .secret-key.
SERVE_ENV = DJANGO_ENV=production HTTPS=off PORT=$(PORT) \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

# The interface's translations: each locale/<language>/LC_MESSAGES/django.po compiled to its
# .mo (not committed) with Babel's pybabel, a pinned Python package, so `make run` needs no
# GNU gettext. `make messages` (Django's makemessages, which does need GNU gettext's
# xgettext) adds new strings of the templates and views to the .po files for translation.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed-run
	$(BIN)/pybabel --quiet compile --domain django --directory locale --locale $* --statistics

compilemessages: $(CATALOGS)

messages: $(VENV)/.installed-run
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext: sudo apt-get install gettext" >&2; exit 2; }
	$(BIN)/python manage.py update_messages

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser, HTML-checker and Lighthouse tests will be skipped."; fi

run: $(VENV)/.installed-run $(CATALOGS)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	@echo
	@echo "  The site:  http://127.0.0.1:$(PORT)/   the admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "  Create an editor account with:  $(BIN)/python manage.py createsuperuser"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

.secret-key:
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: $(VENV)/.installed-run .secret-key $(CATALOGS)
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py load_content
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  The site, with production settings:  http://127.0.0.1:$(PORT)/"
	@echo
	$(SERVE_ENV) $(BIN)/gunicorn --config trustsite/gunicorn.conf.py trustsite.wsgi

test: $(VENV)/.installed-test node_modules/.installed $(CATALOGS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `make bench`: wrk against `make serve`'s gunicorn on a throwaway database (see tests/bench.py);
# options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--duration 3 --no-soak".
BENCH_ARGS ?=
bench: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

# `make snapshot SNAPSHOT=dir`: every public page's bytes, to `diff -r` before and after a
# change meant to change none (tests/pages_snapshot.py; SNAPSHOT_ARGS="--factor 100").
SNAPSHOT ?= bench-results/snapshot
SNAPSHOT_ARGS ?=
snapshot: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m tests.pages_snapshot $(SNAPSHOT) $(SNAPSHOT_ARGS)

lighthouse: $(VENV)/.installed-test node_modules/.installed $(CATALOGS)
	$(BIN)/python -m tests.lighthouse

# `make backup`: a consistent backup of the database DATABASE_URL names, under backups/;
# its path is the last line printed. `make restore BACKUP=path` puts one back (it asks).
backup: $(VENV)/.installed-run
	$(BIN)/python manage.py backup

restore: $(VENV)/.installed-run
	@if [ -z "$(BACKUP)" ]; then \
		echo "Usage: make restore BACKUP=backups/<file>  (a file made by make backup)" >&2; exit 2; fi
	$(BIN)/python manage.py restore "$(BACKUP)"

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles bench-results lighthouse-reports
