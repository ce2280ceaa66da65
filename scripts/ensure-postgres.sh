#!/bin/sh
# Make sure PostgreSQL's server binaries are present, so the event store's
# tests also run against PostgreSQL (they start their own throw-away server;
# no system service is started or needed).
#
# Binaries found: nothing to do. Missing, and we are root with apt-get
# (Debian, Ubuntu, CI containers): install Debian's postgresql package.
# Otherwise: print how to install them and exit 0; those tests are then
# skipped, every other test still runs.
set -eu

find_pg_ctl() {
    for candidate in /usr/lib/postgresql/*/bin/pg_ctl; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    command -v pg_ctl 2>/dev/null || return 1
}

if pg_ctl=$(find_pg_ctl); then
    echo "ensure-postgres: PostgreSQL server binaries found ($pg_ctl)"
    exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-postgres: installing Debian's postgresql package (server binaries for the store tests)"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; then
        if pg_ctl=$(find_pg_ctl); then
            echo "ensure-postgres: installed ($pg_ctl)"
            exit 0
        fi
    fi
    echo "ensure-postgres: could not install postgresql; the PostgreSQL store tests will be skipped" >&2
    exit 0
fi

echo "ensure-postgres: PostgreSQL server binaries not found; the PostgreSQL store tests will be skipped."
echo "ensure-postgres: to run them, install the server (Debian/Ubuntu: sudo apt-get install postgresql)."
exit 0
