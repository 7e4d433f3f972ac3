#!/usr/bin/env bash
# Stops the PostgreSQL of scripts/pg/start.sh (if it runs); its data stays in target/pg.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir="$PWD/target/pg"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] && [ -f "$dir/data/PG_VERSION" ] || exit 0
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
