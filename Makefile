# The two commands of the README:
#   make run    install (first time) and start the app on http://localhost:8501
#   make test   install (first time) and run every test
# Both need python3 (3.11), npm (Node.js) and the package registries.

PYTHON ?= python3
NPM ?= npm
VENV ?= .venv
PY := $(VENV)/bin/python
# The map's browser files (Leaflet, markercluster, basemap): npm ci from the
# committed lock, then the needed files are copied into static/vendor/, which
# Streamlit serves at /app/static/vendor/. Both folders are git-ignored.
NPM_STAMP := node_modules/.speakout-npm-ci
VENDOR_STAMP := node_modules/.speakout-vendor-copied

.PHONY: run test install assets bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(NPM_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "npm not found: install Node.js 18 or later with npm (the map's scripts come from the npm registry)" >&2; exit 1; }
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP) $(VENV)/.installed speakout_map/maps/assets.py
	$(PY) -m speakout_map.maps.assets copy
	touch $@

# Copies again if a file has gone from static/vendor since (the stamp alone would not notice).
assets: $(VENDOR_STAMP)
	@$(PY) -m speakout_map.maps.assets check >/dev/null 2>&1 || $(PY) -m speakout_map.maps.assets copy

install: $(VENV)/.installed assets
	$(PY) -m speakout_map build-index

run: install
	$(PY) -m streamlit run app.py

# The tests build their own gazetteer index in a temporary folder. The event
# store's tests also run on a throw-away PostgreSQL server when its binaries
# are installed (ensure-postgres.sh installs them as root with apt-get).
test: $(VENV)/.installed-dev assets
	sh scripts/ensure-postgres.sh
	sh scripts/ensure-chromium.sh
	$(PY) -m pytest

bench: install
	$(PY) bench/bench_map.py 10000
	$(PY) bench/bench_gazetteer.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules static/vendor
