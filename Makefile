# The two commands of the README:
#   make run    install (first time) and start the app on http://localhost:8501
#   make test   install (first time) and run every test
# Both need only python3 (3.11) and the package registry.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test install bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
	$(PY) -m speakout_map build-index

run: install
	$(PY) -m streamlit run app.py

# The tests build their own gazetteer index in a temporary folder. The event
# store's tests also run on a throw-away PostgreSQL server when its binaries
# are installed (ensure-postgres.sh installs them as root with apt-get).
test: $(VENV)/.installed-dev
	sh scripts/ensure-postgres.sh
	$(PY) -m pytest

bench: install
	$(PY) bench/bench_map.py

clean:
	rm -rf $(VENV) .pytest_cache
