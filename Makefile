# The two commands of the README:
#   make run    install (first time) and start the app on http://localhost:8501
#   make test   install (first time) and run every test
# Both need python3 (3.11), npm (Node.js) and the package registries.

PYTHON ?= python3
NPM ?= npm
VENV ?= .venv
PY := $(VENV)/bin/python
# The map's browser files (Leaflet, markercluster, basemap) and the proposal
# form's proof-of-work widget (altcha): npm ci from the committed lock, then the
# needed files (speakout_map/maps/assets.py lists them) are copied into
# static/vendor/, which Streamlit serves at /app/static/vendor/. Both folders
# are git-ignored.
NPM_STAMP := node_modules/.speakout-npm-ci
VENDOR_STAMP := node_modules/.speakout-vendor-copied

# Python packages: requirements.txt and requirements-dev.txt are the top-level
# pins we edit; requirements.lock and requirements-dev.lock (made from them by
# `make lock`) pin every package of the tree with its hashes, and are what is
# installed: pip refuses any other version or file.
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE_FLAGS := --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links

# Message catalogues: speakout_map/languages/locales/<language>/LC_MESSAGES/speakout.po
# are edited (see the README's Languages section); the .mo files the app
# reads are compiled from them and git-ignored.
LOCALES := speakout_map/languages/locales
PO_FILES := $(wildcard $(LOCALES)/*/LC_MESSAGES/speakout.po)
MO_FILES := $(PO_FILES:.po=.mo)
PYBABEL := $(VENV)/bin/pybabel

.PHONY: run test install assets bench clean lock messages language catalogues

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Re-pins the locks after an edit of requirements*.txt, keeping every other pin
# (add --upgrade to PIP_COMPILE_FLAGS to take the newest versions allowed).
lock:
	tmp=$$(mktemp -d) && $(PYTHON) -m venv $$tmp && $$tmp/bin/python -m pip install --quiet $(PIP_TOOLS) && \
	CUSTOM_COMPILE_COMMAND="make lock" $$tmp/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements.lock requirements.txt && \
	CUSTOM_COMPILE_COMMAND="make lock" $$tmp/bin/pip-compile $(PIP_COMPILE_FLAGS) --output-file requirements-dev.lock requirements-dev.txt; \
	status=$$?; rm -rf $$tmp; exit $$status

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

$(LOCALES)/%/LC_MESSAGES/speakout.mo: $(LOCALES)/%/LC_MESSAGES/speakout.po $(VENV)/.installed
	$(PYBABEL) compile --domain speakout --input-file $< --output-file $@

catalogues: $(MO_FILES)

# After changing texts in the code: extract them to speakout.pot with pybabel (the marking
# names come from speakout_map/languages/extraction.py) and merge it into every .po.
messages: $(VENV)/.installed
	$(PYBABEL) extract --mapping-file babel.cfg $(shell $(PY) -c 'from speakout_map.languages.extraction import pybabel_keywords as k; print(k())') \
		--add-comments "Translators:" --strip-comment-tags --sort-by-file --width 100 --project "SpeakOut Map" \
		--output-file $(LOCALES)/speakout.pot speakout_map app_pages app.py
	$(if $(PO_FILES),$(PYBABEL) update --domain speakout --input-file $(LOCALES)/speakout.pot --output-dir $(LOCALES) \
		--no-fuzzy-matching --ignore-obsolete --width 100)

# A new language: make language NEW=ru (then translate its .po and add data/guide.ru.md).
language: messages
	@test -n "$(NEW)" || { echo "say which language: make language NEW=ru" >&2; exit 2; }
	$(PYBABEL) init --domain speakout --input-file $(LOCALES)/speakout.pot --output-dir $(LOCALES) --locale $(NEW)

# The country names and codes, built from pycountry and Babel (see speakout_map/places/country_data.py).
COUNTRY_DATA := speakout_map/places/country_names.json
$(COUNTRY_DATA): speakout_map/places/countries.py speakout_map/places/country_data.py $(VENV)/.installed
	$(PY) scripts/country_names.py

install: $(VENV)/.installed assets catalogues $(COUNTRY_DATA)
	$(PY) -m speakout_map build-index

run: install
	$(PY) -m streamlit run app.py

# The tests build their own gazetteer index in a temporary folder. The event
# store's tests also run on a throw-away PostgreSQL server when its binaries
# are installed (ensure-postgres.sh installs them as root with apt-get).
test: $(VENV)/.installed-dev assets catalogues $(COUNTRY_DATA)
	sh scripts/ensure-postgres.sh
	sh scripts/ensure-chromium.sh
	$(PY) -m pytest

bench: install
	$(PY) bench/bench_map.py 10000
	$(PY) bench/bench_gazetteer.py
	$(PY) bench/bench_reading.py
	$(PY) bench/bench_validate.py
	$(PY) bench/bench_nearby.py
	$(PY) bench/bench_going.py
	$(PY) bench/bench_embed.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_sessions.py
	$(PY) bench/bench_list.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules static/vendor
