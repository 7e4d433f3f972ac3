#!/usr/bin/env bash
# Fuzzes the readers and the checker with cargo fuzz (libFuzzer), one target at a time.
#
#   scripts/fuzz.sh SECONDS [TARGET...]      # default: every target, SECONDS each
#
# Targets (fuzz/fuzz_targets/): problem (parse_problem, then the travel matrix),
# plan_check (the checker on any plan, and on fuzzed problems), solomon and mankowska (the
# benchmark readers, then validation and the matrix). Each corpus (fuzz/corpus/TARGET,
# not committed) starts from fuzz/seeds/TARGET and files from data/ and tests/, and keeps
# what libFuzzer adds across runs. Prints per target the executions, the corpus size, and
# fails when a target crashes (the input is left in fuzz/artifacts/TARGET/; minimise it
# with `cargo fuzz tmin TARGET FILE`, see docs/FUZZING.md).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Only stable Rust is assumed:
# RUSTC_BOOTSTRAP=1 lets it pass the nightly flags it needs. FUZZ_SANITIZER (default
# none: the address sanitizer adds little for safe Rust and halves the speed) and
# FUZZ_JOBS are passed on; FUZZ_MAX_LEN (default 65536) and FUZZ_RSS_MB (2048) bound the
# inputs and memory.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(problem plan_check solomon mankowska)
SANITIZER="${FUZZ_SANITIZER:-none}"
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2; exit 2; }

# Seeds: the committed ones plus the repository's own documents (small ones only).
seed() { # seed TARGET FILE...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le "$MAX_LEN" ] || continue
    cp -n "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"
  done
}
pair() { # pair TARGET PROBLEM PLAN: a `PROBLEM \0 PLAN` input for plan_check
  local dir="fuzz/corpus/$1" out
  mkdir -p "$dir"
  out="$dir/seed-pair-$(basename "$2" .json)"
  [ -f "$out" ] || { cat "$2"; printf '\0'; cat "$3"; } >"$out"
}
for t in "${TARGETS[@]}"; do
  [ -d "fuzz/seeds/$t" ] && seed "$t" fuzz/seeds/"$t"/*
done
seed problem data/sample-day.json data/mankowska/spec/*.json tests/common/*_problem.json
seed plan_check tests/common/check_plan.json tests/common/report_plan.json
pair plan_check tests/common/check_problem.json tests/common/check_plan.json
pair plan_check tests/common/report_problem.json tests/common/report_plan.json
seed solomon data/solomon/C101.txt data/solomon/R201.txt data/solomon/RC105.txt data/homberger/C1_2_1.txt
seed mankowska data/mankowska/InstanzCPLEX_HCSRP_10_*.json data/mankowska/InstanzCPLEX_HCSRP_25_1.json \
  data/mankowska/InstanzVNS_HCSRP_100_1.json

status=0
summary=()
for t in "${TARGETS[@]}"; do
  (cd fuzz && cargo fuzz build --sanitizer "$SANITIZER" "$t")
  log="fuzz/artifacts/$t.log"
  mkdir -p "fuzz/artifacts/$t"
  dict=""
  case "$t" in
    problem | plan_check) dict="-dict=dicts/problem.dict" ;;
    solomon) dict="-dict=dicts/solomon.dict" ;;
    mankowska) dict="-dict=dicts/mankowska.dict" ;;
  esac
  echo "== $t: ${SECONDS_EACH}s"
  rc=0
  (cd fuzz && cargo fuzz run --sanitizer "$SANITIZER" "$t" "corpus/$t" -- \
    -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -rss_limit_mb="$RSS_MB" \
    -timeout=30 -print_final_stats=1 $dict) >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  cov="$(sed -n 's/.*DONE *cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p' "$log" | tail -1)"
  files="$(find "fuzz/corpus/$t" -type f | wc -l)"
  kib="$(find "fuzz/corpus/$t" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s / 1024}')"
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -E "panicked at|ERROR: libFuzzer|SUMMARY|Test unit written|^thread" "$log" | head -20 || true
    tail -n 5 "$log"
    summary+=("$t: CRASH after ${execs:-?} executions (log: $log)")
  else
    summary+=("$t: ${execs:-?} executions in ${SECONDS_EACH}s, coverage ${cov:-?}, corpus $files files ($kib KiB), no crash")
  fi
done
echo "== fuzz summary (sanitizer $SANITIZER, max_len $MAX_LEN)"
printf '%s\n' "${summary[@]}"
exit "$status"
