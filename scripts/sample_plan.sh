#!/usr/bin/env bash
# Re-makes data/sample-day-plan.json, the plan whose figures README.md and docs/REPORT.md
# quote, and rewrites those figures (tests/suite/figures.rs checks them on every test run).
# One thread and a fixed work budget (the 10 s default budget of the sample day), so the
# plan is the same on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
target/release/carerounds solve data/sample-day.json --threads 1 --work 600000000 \
  --seconds 600 --out data/sample-day-plan.json
UPDATE_FIGURES=1 cargo test --release --test suite figures:: 
