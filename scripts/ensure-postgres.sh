#!/bin/sh
# Make sure PostgreSQL's server binaries are present, so the event store's
# tests also run against PostgreSQL (they start their own throw-away server;
# no system service is started or needed).
#
# Binaries found: nothing to do. Missing, and we are root with apt-get
# (Debian, Ubuntu, CI containers): install Debian's postgresql package.
# Still missing: under CI=true this fails (exit 1), so CI can never go green
# without the PostgreSQL tests; on a developer's machine it prints how to
# install them and exits 0, and those tests skip.
set -eu

give_up() {
    echo "ensure-postgres: $1" >&2
    if [ "${CI:-}" = "true" ]; then
        echo "ensure-postgres: CI=true: the PostgreSQL store tests must run on CI, so the run stops here" >&2
        exit 1
    fi
    echo "ensure-postgres: the PostgreSQL store tests will be skipped; to run them, install the server" >&2
    echo "ensure-postgres: (Debian/Ubuntu: sudo apt-get install postgresql)" >&2
    exit 0
}

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
    give_up "could not install Debian's postgresql package"
fi

give_up "PostgreSQL server binaries not found (and not root with apt-get to install them)"
