#!/usr/bin/env python3
"""Compares carerounds and peer-solver benchmark CSVs against best-known DIMACS distances.

Standard library only (runs with any python3 >= 3.9, no venv needed).

    python3 scripts/peers/compare.py /tmp/cr10.csv /tmp/pyvrp10.csv /tmp/vroom.csv
    python3 scripts/peers/compare.py cr-main=/tmp/a.csv cr-new=/tmp/b.csv --per-instance

Each input is either
  * a `carerounds bench --csv` file (`instance,seed,distance,vehicles,bks,gap_pct,seconds,
    iterations,violations,unassigned`), labelled "carerounds"; a run is feasible when
    violations == 0 and unassigned == 0, its wall time is `seconds`; or
  * a peer CSV from run_pyvrp.py / run_vroom.py (`solver,instance,seed,seconds_limit,
    distance,vehicles,feasible,wall_s`), labelled by its `solver` column (plus `@<limit>s`
    when one file mixes several limits).
`LABEL=path` overrides the label (e.g. to compare two carerounds runs).

Gaps are recomputed here as 100 * (distance - bks) / bks against the
`distance_only_dimacs_trunc1` rows of the --bks files. Mean gap and mean vehicles
are over feasible runs only; infeasible runs are counted separately. By default only
instances that every solver ran are used (--all-instances: use every row).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

CONVENTION = "distance_only_dimacs_trunc1"
CLASSES = ["C1", "C2", "R1", "R2", "RC1", "RC2"]
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def instance_class(name: str) -> str:
    """C101 -> C1, RC208 -> RC2, C1_2_1 -> C1 (Solomon and Gehring-Homberger names)."""
    m = re.match(r"^(RC|R|C)([12])", name.upper())
    return m.group(1) + m.group(2) if m else "?"


def read_bks(paths: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in paths:
        if not Path(p).exists():
            continue
        with open(p, newline="") as f:
            for r in csv.DictReader(f):
                if r.get("objective_convention") == CONVENTION:
                    out[r["instance"].upper()] = float(r["bks_distance"])
    return out


class Run:
    __slots__ = ("label", "instance", "seed", "distance", "vehicles", "feasible", "wall")

    def __init__(self, label, instance, seed, distance, vehicles, feasible, wall):
        self.label = label
        self.instance = instance.upper()
        self.seed = seed
        self.distance = distance
        self.vehicles = vehicles
        self.feasible = feasible
        self.wall = wall


def read_runs(arg: str) -> list[Run]:
    label = None
    path = arg
    if "=" in arg and not Path(arg).exists():
        label, path = arg.split("=", 1)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        print(f"warning: {path} has no rows", file=sys.stderr)
        return []
    cols = set(rows[0])
    runs = []
    if {"solver", "feasible", "wall_s"} <= cols:
        limits = {r["seconds_limit"] for r in rows}
        for r in rows:
            lab = label or (
                r["solver"] if len(limits) == 1 else f"{r['solver']}@{r['seconds_limit'] or 'none'}s"
            )
            runs.append(
                Run(lab, r["instance"], r["seed"], float(r["distance"]), int(r["vehicles"]),
                    r["feasible"].strip() in ("1", "true", "True"), float(r["wall_s"]))
            )
    elif {"violations", "unassigned", "seconds"} <= cols:
        for r in rows:
            runs.append(
                Run(label or "carerounds", r["instance"], r["seed"], float(r["distance"]),
                    int(r["vehicles"]), int(r["violations"]) == 0 and int(r["unassigned"]) == 0,
                    float(r["seconds"]))
            )
    else:
        sys.exit(f"{path}: unknown CSV header {sorted(cols)}")
    return runs


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else None


def fmt(x, spec=".2f"):
    return "–" if x is None else format(x, spec)


def gap(run: Run, bks: dict[str, float]):
    b = bks.get(run.instance)
    return None if b is None else 100.0 * (run.distance - b) / b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csvs", nargs="+", help="bench/peer CSVs, optionally LABEL=path")
    ap.add_argument(
        "--bks", action="append",
        help="bks.csv files (default: data/solomon/bks.csv and data/homberger/bks.csv)",
    )
    ap.add_argument("--per-instance", action="store_true", help="also print one row per instance")
    ap.add_argument("--all-instances", action="store_true",
                    help="do not restrict to the instances every solver ran")
    args = ap.parse_args()

    bks = read_bks(args.bks or [str(REPO / "data/solomon/bks.csv"), str(REPO / "data/homberger/bks.csv")])
    runs = [r for a in args.csvs for r in read_runs(a)]
    labels = list(dict.fromkeys(r.label for r in runs))
    by_label: dict[str, set[str]] = defaultdict(set)
    for r in runs:
        by_label[r.label].add(r.instance)
    instances = set.union(*by_label.values()) if by_label else set()
    if not args.all_instances and len(labels) > 1:
        common = set.intersection(*by_label.values())
        dropped = instances - common
        if dropped:
            print(f"note: {len(dropped)} instances not run by every solver are left out "
                  f"(--all-instances keeps them)", file=sys.stderr)
        instances = common
        runs = [r for r in runs if r.instance in instances]
    missing = sorted(i for i in instances if i not in bks)
    if missing:
        print(f"note: no {CONVENTION} BKS for {', '.join(missing)}; their gaps are left out",
              file=sys.stderr)

    groups = [(c, lambda r, c=c: instance_class(r.instance) == c) for c in CLASSES]
    others = sorted({instance_class(i) for i in instances} - set(CLASSES))
    groups += [(c, lambda r, c=c: instance_class(r.instance) == c) for c in others]
    groups.append(("all", lambda r: True))

    seeds = defaultdict(set)
    for r in runs:
        seeds[r.label].add(r.seed)
    print(f"Gap to best-known ({CONVENTION}); {len(instances)} instances; "
          + "; ".join(f"{lab}: {len(seeds[lab])} seed(s)" for lab in labels))
    print()
    head = ["class", "inst."]
    for lab in labels:
        head += [f"{lab} gap %", f"{lab} infeas.", f"{lab} veh.", f"{lab} wall s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for name, pred in groups:
        sel = [r for r in runs if pred(r)]
        ninst = len({r.instance for r in sel})
        if not ninst:
            continue
        cells = [name, str(ninst)]
        for lab in labels:
            mine = [r for r in sel if r.label == lab]
            ok = [r for r in mine if r.feasible]
            cells += [
                fmt(mean(g for r in ok if (g := gap(r, bks)) is not None)),
                str(sum(not r.feasible for r in mine)),
                fmt(mean(r.vehicles for r in ok), ".1f"),
                fmt(mean(r.wall for r in mine), ".2f"),
            ]
        print("| " + " | ".join(cells) + " |")

    if args.per_instance:
        print()
        head = ["instance", "BKS"]
        for lab in labels:
            head += [f"{lab} dist.", f"{lab} gap %", f"{lab} feas."]
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for inst in sorted(instances, key=lambda i: (CLASSES.index(instance_class(i))
                                                     if instance_class(i) in CLASSES else 99, i)):
            cells = [inst, fmt(bks.get(inst), ".1f")]
            for lab in labels:
                mine = [r for r in runs if r.label == lab and r.instance == inst]
                ok = [r for r in mine if r.feasible]
                d = mean(r.distance for r in ok)
                b = bks.get(inst)
                cells += [
                    fmt(d, ".1f"),
                    fmt(None if d is None or b is None else 100.0 * (d - b) / b),
                    f"{len(ok)}/{len(mine)}" if mine else "–",
                ]
            print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
