#!/usr/bin/env python3
"""Runs PyVRP on Solomon-format VRPTW instances under the DIMACS 2021 convention.

Benchmark aid only; not part of the carerounds crate. Run it with the venv made by
scripts/peers/setup.sh:

    scripts/peers/.venv/bin/python scripts/peers/run_pyvrp.py \
        --suite-dir data/solomon --seconds 10 --seed 1 --out /tmp/pyvrp10.csv

The model is built here (not with pyvrp.read) so the arc truncation is exact:
every distance and duration is floor(10 * euclid) in integer tenths, and time
windows / service times are multiplied by 10. The objective is distance only (no
fixed vehicle cost), the fleet is NUMBER vehicles of CAPACITY. PyVRP's search is
single-threaded. Every solution is re-scored by common.score.
"""

from __future__ import annotations

import os

# PyVRP's search is single-threaded; keep numpy's BLAS from spawning threads too.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402

from pyvrp import Model  # noqa: E402
from pyvrp.stop import MaxRuntime  # noqa: E402

from common import CsvOut, Instance, base_argparser, list_instances, read_solomon, report, score  # noqa: E402


def build_model(inst: Instance) -> Model:
    m = Model()
    d = inst.depot
    locs = [m.add_location(x=n.x, y=n.y, name=str(n.cust_no)) for n in inst.nodes]
    depot = m.add_depot(
        locs[0],
        tw_early=inst.scaled(d.ready),
        tw_late=inst.scaled(d.due),
        name=str(d.cust_no),
    )
    m.add_vehicle_type(
        num_available=inst.num_vehicles,
        capacity=inst.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=inst.scaled(d.ready),
        tw_late=inst.scaled(d.due),
    )
    for k, n in enumerate(inst.customers, start=1):
        m.add_client(
            locs[k],
            delivery=n.demand,
            service_duration=inst.scaled(n.service),
            tw_early=inst.scaled(n.ready),
            tw_late=inst.scaled(n.due),
            name=str(n.cust_no),
        )
    for i, a in enumerate(locs):
        row = inst.matrix[i]
        for j, b in enumerate(locs):
            m.add_edge(a, b, distance=row[j], duration=row[j])
    return m


def routes_of(model: Model, solution) -> list[list[int]]:
    """Routes as lists of Solomon CUST_NO (via the client names set in build_model)."""
    clients = model.clients
    out = []
    for route in solution.routes():
        out.append([int(clients[act.idx].name) for act in route.schedule() if act.is_client()])
    return out


def main() -> int:
    ap = base_argparser(__doc__.splitlines()[0])
    args = ap.parse_args()
    solver = "pyvrp"
    print(f"pyvrp {version('pyvrp')}, single-threaded, MaxRuntime({args.seconds:g}), seed {args.seed}",
          file=sys.stderr)
    out = CsvOut(args.out)
    bad = 0
    for path in list_instances(args.suite_dir, args.only):
        inst = read_solomon(path)
        model = build_model(inst)
        t0 = time.perf_counter()
        res = model.solve(stop=MaxRuntime(args.seconds), seed=args.seed, display=False)
        wall = time.perf_counter() - t0
        sc = score(inst, routes_of(model, res.best))
        own = res.best.distance() / 10.0
        if not res.best.is_feasible():
            sc.problems.append("pyvrp reports its best solution infeasible")
        report(solver, inst, sc, wall, own, args.verbose)
        out.row(solver, inst.name, args.seed, args.seconds, sc, wall)
        bad += not sc.feasible
    out.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
