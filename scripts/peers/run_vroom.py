#!/usr/bin/env python3
"""Runs VROOM (pyvroom) on Solomon-format VRPTW instances under the DIMACS 2021 convention.

Benchmark aid only; not part of the carerounds crate. Run it with the venv made by
scripts/peers/setup.sh:

    scripts/peers/.venv/bin/python scripts/peers/run_vroom.py \
        --suite-dir data/solomon --seconds 10 --out /tmp/vroom.csv

The problem uses custom integer matrices in tenths: duration = distance = cost =
floor(10 * euclid); time windows and service times are multiplied by 10. Vehicles:
NUMBER of them, CAPACITY, start/end at the depot, depot time window; jobs: delivery
= DEMAND, service, one time window on service start. VROOM minimises its cost
(here: truncated distance) after maximising assigned jobs; it is solved with
nb_threads=1 at --exploration-level (default 5, VROOM's own default).

--seconds is passed to pyvroom's `timeout` (a cap: VROOM stops earlier when its
search ends, which at level 5 on 100 customers is usually well under 10 s);
--no-timeout lets it run to completion. wall_s is always the measured time.
Every solution is re-scored by common.score.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from importlib.metadata import version

import vroom

from common import CsvOut, Instance, base_argparser, list_instances, read_solomon, report, score


def build_input(inst: Instance) -> vroom.Input:
    p = vroom.Input()
    # One profile ("car", the Vehicle default); all three matrices are the tenths matrix.
    p.set_durations_matrix("car", inst.matrix)
    p.set_distances_matrix("car", inst.matrix)
    p.set_costs_matrix("car", inst.matrix)
    d = inst.depot
    depot_tw = vroom.TimeWindow(inst.scaled(d.ready), inst.scaled(d.due))
    p.add_vehicle(
        [
            vroom.Vehicle(v, start=0, end=0, capacity=[inst.capacity], time_window=depot_tw)
            for v in range(inst.num_vehicles)
        ]
    )
    p.add_job(
        [
            vroom.Job(
                n.cust_no,  # job id = Solomon CUST_NO
                location=k,  # matrix index
                default_service=inst.scaled(n.service),
                delivery=[n.demand],
                time_windows=[vroom.TimeWindow(inst.scaled(n.ready), inst.scaled(n.due))],
            )
            for k, n in enumerate(inst.customers, start=1)
        ]
    )
    return p


def routes_of(solution) -> list[list[int]]:
    df = solution.routes
    out = []
    for _, g in df.groupby("vehicle_id", sort=True):
        out.append([int(i) for t, i in zip(g["type"], g["id"]) if t == "job"])
    return out


def main() -> int:
    ap = base_argparser(__doc__.splitlines()[0])
    ap.add_argument("--exploration-level", type=int, default=5, choices=range(1, 6))
    ap.add_argument("--no-timeout", action="store_true", help="do not pass --seconds as VROOM's timeout")
    args = ap.parse_args()
    solver = "vroom" if args.exploration_level == 5 else f"vroom-x{args.exploration_level}"
    limit = None if args.no_timeout else args.seconds
    print(
        f"pyvroom {version('pyvroom')}, nb_threads=1, exploration_level={args.exploration_level}, "
        f"timeout={'none' if limit is None else f'{limit:g}s'} (seed unused: VROOM has none)",
        file=sys.stderr,
    )
    out = CsvOut(args.out)
    bad = 0
    for path in list_instances(args.suite_dir, args.only):
        inst = read_solomon(path)
        problem = build_input(inst)
        t0 = time.perf_counter()
        sol = problem.solve(
            exploration_level=args.exploration_level,
            nb_threads=1,
            timeout=None if limit is None else timedelta(seconds=limit),
        )
        wall = time.perf_counter() - t0
        sc = score(inst, routes_of(sol))
        report(solver, inst, sc, wall, sol.summary.cost / 10.0, args.verbose)
        out.row(solver, inst.name, args.seed, limit, sc, wall)
        bad += not sc.feasible
    out.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
