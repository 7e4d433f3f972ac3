#!/usr/bin/env bash
# Bounded HTTP load test of `carerounds serve` on loopback (127.0.0.1, a random port).
# Starts the release server, plans a 300-visit day, then drives /v1/slots and /v1/plans
# at steady concurrency for LOAD_SECONDS each, and prints throughput, p50/p99 latency,
# errors (must be 0) and the server's peak RSS. Stops by itself.
#
#   LOAD_SECONDS=20 LOAD_CONCURRENCY=4 scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export LOAD_SECONDS="${LOAD_SECONDS:-20}"
export LOAD_CONCURRENCY="${LOAD_CONCURRENCY:-4}"
timeout $((LOAD_SECONDS * 2 + 300)) \
  cargo test --release --test api_socket -- --ignored load_test --nocapture 2>&1 | grep -E '^LOAD|test result'
