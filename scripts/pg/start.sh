#!/usr/bin/env bash
# A private PostgreSQL for the tests and benchmarks (docs in README, "Many machines"):
# data under target/pg, listening on 127.0.0.1:${PG_PORT:-54329} only, user carerounds
# with trust authentication (nothing outside this machine can reach it). Installs
# Debian's postgresql package when no server binaries are found (as root). PostgreSQL
# refuses to run as root, so as root the data folder belongs to the postgres user and the
# server runs as that user. Prints the URL to export as CAREROUNDS_TEST_PG_URL.
# PG_FSYNC=off (the default here: test data is thrown away) skips disk flushes.
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${PG_PORT:-54329}"
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
bin="$(find_bin)"
if [ -z "$bin" ]; then
  echo "PostgreSQL not found: installing Debian's postgresql package"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin="$(find_bin)"
fi
dir="$PWD/target/pg"
mkdir -p "$dir"
as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U carerounds --auth=trust -E UTF8 >"$dir/initdb.log"
fi
if ! "${as[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null
fi
echo "postgres://carerounds@127.0.0.1:$port/postgres"
