#!/usr/bin/env bash
# Property-based tests of the HTTP API against its own OpenAPI document (schemathesis).
#
# Installs schemathesis from PyPI into a venv under target/ (once), builds and starts
# `carerounds serve` on a random loopback port with a temporary data directory, runs
# `schemathesis run` on /openapi.json with a bounded number of examples per operation and a
# bounded time, stops the server, and exits non-zero when a check fails:
#   not_a_server_error           no 5xx answer, whatever the request
#   response_schema_conformance  every answer matches the schema of its status
#
#   scripts/schemathesis.sh                        # 30 examples per operation, 300 s at most
#   ST_EXAMPLES=100 ST_MAX_TIME=900 ST_PROFILE=release scripts/schemathesis.sh
#
# ST_SEED fixes the data generation; the report (JUnit, and a pytest file reproducing each
# failure) and the examples database (failures found are tried first next time) go to
# target/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${ST_EXAMPLES:-30}"
MAX_TIME="${ST_MAX_TIME:-300}"
PROFILE="${ST_PROFILE:-dev}"
SEED="${ST_SEED:-1}"
CHECKS="${ST_CHECKS:-not_a_server_error,response_schema_conformance}"
VENV="$PWD/target/schemathesis-venv"
REPORT="$PWD/target/schemathesis"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check schemathesis
fi
"$VENV/bin/schemathesis" --version

cargo build --profile "$PROFILE" --bin carerounds
case "$PROFILE" in dev) BIN=target/debug/carerounds ;; *) BIN="target/$PROFILE/carerounds" ;; esac

DATA="$(mktemp -d)"
OUT="$DATA/server.out"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

# Small caps keep each solve short: schemathesis sends many valid problems.
"$BIN" serve --addr 127.0.0.1:0 --data-dir "$DATA/store" --log error \
  --max-time-limit-s 0.5 --max-concurrent-solves 1 --max-queued 8 \
  --max-visits 200 --max-staff 50 --max-body-mib 2 --request-timeout-s 30 \
  --shutdown-grace-s 1 >"$OUT" 2>"$DATA/server.err" &
SERVER=$!
ADDR=""
for _ in $(seq 300); do
  ADDR="$(sed -n 's|^carerounds listening on http://||p' "$OUT" | head -1)"
  [ -n "$ADDR" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.err" >&2; echo "the server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ADDR" ] || { echo "the server did not say where it listens" >&2; exit 1; }
echo "server on http://$ADDR"

mkdir -p "$REPORT"
status=0
# From inside the report folder: schemathesis keeps a cache in ./.schemathesis.
cd "$REPORT"
timeout $((MAX_TIME + 120)) "$VENV/bin/schemathesis" run "http://$ADDR/openapi.json" \
  --checks "$CHECKS" \
  --max-examples "$EXAMPLES" \
  --max-time "$MAX_TIME" \
  --seed "$SEED" \
  --generation-database examples.db \
  --workers 1 \
  --request-timeout 40 \
  --suppress-health-check too_slow,data_too_large,filter_too_much,large_base_example \
  --report junit,pytest --report-dir . \
  --no-color || status=$?

if [ -s "$DATA/server.err" ]; then
  echo "--- server log (errors) ---"
  tail -n 50 "$DATA/server.err"
fi
kill -0 "$SERVER" 2>/dev/null || { echo "the server died during the run" >&2; status=1; }
exit "$status"
