#!/usr/bin/env bash
# Starts osrm-routed on 127.0.0.1 in the background over the data scripts/osrm/setup.sh
# prepared, and waits until it answers.
#
#   bash scripts/osrm/start.sh [MLD|CH] [PORT]     # default MLD 5000
#
# The server's pid and log are scripts/osrm/work/routed-PORT.{pid,log}; stop it with
# scripts/osrm/stop.sh [PORT]. Tables of up to 1000 x 1000 are allowed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ALGO=${1:-MLD}
PORT=${2:-5000}
WORK=scripts/osrm/work
URL=http://127.0.0.1:$PORT
answers() {
  python3 - "$URL" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/nearest/v1/driving/-0.7248,52.6682", timeout=2).read()
PY
}
if answers; then
  echo "osrm: a server already answers at $URL"
  exit 0
fi
if [ ! -f "$WORK/data/ready" ]; then
  echo "osrm: no prepared data: run scripts/osrm/setup.sh first" >&2
  exit 1
fi
LOG=$WORK/routed-$PORT.log
# setsid + redirected output: the server must not hold the caller's terminal or pipes.
setsid "$WORK/osrm/bin/osrm-routed" --ip 127.0.0.1 --port "$PORT" -a "$ALGO" \
  --max-table-size 1000 -t "$(nproc)" "$WORK/data/map.osrm" >"$LOG" 2>&1 </dev/null &
echo $! >"$WORK/routed-$PORT.pid"
for _ in $(seq 1 60); do
  if answers; then
    echo "osrm: $ALGO server answering at $URL (pid $(cat "$WORK/routed-$PORT.pid"))"
    exit 0
  fi
  if ! kill -0 "$(cat "$WORK/routed-$PORT.pid")" 2>/dev/null; then
    echo "osrm: osrm-routed exited:" >&2
    tail -5 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
echo "osrm: no answer at $URL after 30 s; see $LOG" >&2
exit 1
