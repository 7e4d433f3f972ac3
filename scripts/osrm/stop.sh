#!/usr/bin/env bash
# Stops the osrm-routed that scripts/osrm/start.sh started on PORT (default 5000).
set -uo pipefail
cd "$(dirname "$0")/../.."
PORT=${1:-5000}
PIDFILE=scripts/osrm/work/routed-$PORT.pid
if [ -f "$PIDFILE" ]; then
  kill "$(cat "$PIDFILE")" 2>/dev/null && echo "osrm: stopped the server on port $PORT"
  rm -f "$PIDFILE"
fi
exit 0
