#!/bin/sh
# Make sure a Chromium browser is present, so the end-to-end tests (tests/e2e)
# run: they drive the real app in headless Chromium through Playwright, using
# the browser already on the machine (Playwright's own browser download is
# never used; it needs the internet).
#
# Found ($SPEAKOUT_TEST_CHROMIUM, chromium, chromium-browser, google-chrome):
# nothing to do. Missing, and we are root with apt-get (Debian, Ubuntu, CI
# containers): install Debian's chromium package. Still missing: under
# CI=true this fails (exit 1), so CI can never go green without the browser
# tests; on a developer's machine it prints how to install it and exits 0,
# and the e2e tests skip while every other test still runs.
set -eu

give_up() {
    echo "ensure-chromium: $1" >&2
    if [ "${CI:-}" = "true" ]; then
        echo "ensure-chromium: CI=true: the end-to-end tests must run on CI, so the run stops here" >&2
        exit 1
    fi
    echo "ensure-chromium: the end-to-end tests (tests/e2e) will be skipped; to run them, install Chromium" >&2
    echo "ensure-chromium: (Debian/Ubuntu: sudo apt-get install chromium), or point SPEAKOUT_TEST_CHROMIUM at one" >&2
    exit 0
}

find_chromium() {
    if [ -n "${SPEAKOUT_TEST_CHROMIUM:-}" ] && [ -x "$SPEAKOUT_TEST_CHROMIUM" ]; then
        echo "$SPEAKOUT_TEST_CHROMIUM"
        return 0
    fi
    for name in chromium chromium-browser google-chrome-stable google-chrome; do
        if found=$(command -v "$name" 2>/dev/null); then
            echo "$found"
            return 0
        fi
    done
    return 1
}

if chromium=$(find_chromium); then
    echo "ensure-chromium: Chromium found ($chromium)"
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: installing Debian's chromium package (the browser of the end-to-end tests)"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
        if chromium=$(find_chromium); then
            echo "ensure-chromium: installed ($chromium)"
            exit 0
        fi
    fi
    give_up "could not install Debian's chromium package"
fi

give_up "Chromium not found (and not root with apt-get to install it)"
