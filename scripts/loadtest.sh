#!/usr/bin/env bash
# Bounded HTTP load test of `carerounds serve` on loopback (127.0.0.1, a random port).
# Starts the release server with one solve at a time on one thread
# (--max-concurrent-solves 1 --max-queued 64 --max-threads 1), then LOAD_CONCURRENCY
# clients at once for LOAD_SECONDS send a fixed mix: plans and jobs (submit, poll, delete,
# list) on a 60-visit day, slots and checks on a 300-visit day, and bad requests (400, 422,
# 404, 415, 414, 405). Prints per endpoint requests, statuses and p50/p99/max latency, the
# 429/503 answers, failures and the server's peak RSS; fails on any server error (5xx other
# than 503, no answer, a panic) or an error answer that is not JSON. Stops by itself.
#
#   LOAD_SECONDS=60 LOAD_CONCURRENCY=16 scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export LOAD_SECONDS="${LOAD_SECONDS:-60}"
export LOAD_CONCURRENCY="${LOAD_CONCURRENCY:-16}"
# Build first, so that the time limit is the test's alone.
cargo test --release --test suite --no-run
timeout $((LOAD_SECONDS + 300)) \
  cargo test --release --test suite api_socket::load_test -- --ignored --nocapture 2>&1 \
  | grep -E '^LOAD|test result|panicked|^assertion|^  left|^ right'
