"""Shared code for the peer-solver benchmark scripts (PyVRP, VROOM).

Standard library only, so the scorer can be used (and tested) without the venv.

Everything works in integer *tenths* under the DIMACS 2021 VRPTW convention:
each arc's distance and travel time is ``floor(10 * euclid) / 10``. With integer
coordinates that is exactly ``isqrt(100 * (dx^2 + dy^2))`` tenths, computed here
without floating point. Time windows, service times and the depot horizon are
scaled by 10 as well, so every check is exact integer arithmetic; distances are
divided by 10 only when reported.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

CSV_HEADER = [
    "solver",
    "instance",
    "seed",
    "seconds_limit",
    "distance",
    "vehicles",
    "feasible",
    "wall_s",
]


@dataclass
class Node:
    cust_no: int
    x: int | float
    y: int | float
    demand: int
    ready: int
    due: int
    service: int


@dataclass
class Instance:
    name: str
    num_vehicles: int
    capacity: int
    nodes: list[Node]  # nodes[0] is the depot; the rest in file order
    matrix: list[list[int]] = field(default_factory=list)  # tenths, by position

    @property
    def depot(self) -> Node:
        return self.nodes[0]

    @property
    def customers(self) -> list[Node]:
        return self.nodes[1:]

    def scaled(self, value: int | float) -> int:
        """A time or time-window value in integer tenths."""
        v = value * 10
        iv = int(round(v))
        if abs(v - iv) > 1e-9:
            raise ValueError(f"{self.name}: {value} is not a multiple of 0.1")
        return iv


def _num(tok: str) -> int | float:
    f = float(tok)
    return int(f) if f.is_integer() else f


def read_solomon(path: str | os.PathLike) -> Instance:
    """Reads a Solomon-format VRPTW file (name; VEHICLE/NUMBER CAPACITY; CUSTOMER rows)."""
    path = Path(path)
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    num_vehicles = capacity = None
    nodes: list[Node] = []
    i = 0
    while i < len(lines):
        up = lines[i].upper()
        if up.startswith("NUMBER") and "CAPACITY" in up:
            num_vehicles, capacity = (int(t) for t in lines[i + 1].split()[:2])
            i += 2
            continue
        if up.startswith("CUST"):
            for row in lines[i + 1 :]:
                toks = row.split()
                if len(toks) < 7 or not toks[0].lstrip("-").replace(".", "", 1).isdigit():
                    continue  # the column-title line, or a blank/odd line
                cust, x, y, demand, ready, due, service = (_num(t) for t in toks[:7])
                nodes.append(Node(int(cust), x, y, int(demand), ready, due, service))
            break
        i += 1
    if num_vehicles is None or capacity is None or not nodes:
        raise ValueError(f"{path}: not a Solomon-format instance")
    if nodes[0].demand != 0:
        raise ValueError(f"{path}: first CUSTOMER row is not a depot (demand != 0)")
    ids = [n.cust_no for n in nodes]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: duplicate CUST_NO")
    inst = Instance(path.stem.upper(), num_vehicles, capacity, nodes)
    inst.matrix = [[arc_tenths(a, b) for b in nodes] for a in nodes]
    return inst


def arc_tenths(a: Node, b: Node) -> int:
    """floor(10 * euclid(a, b)) as an integer (DIMACS truncation, in tenths)."""
    dx, dy = a.x - b.x, a.y - b.y
    if all(isinstance(v, int) for v in (a.x, a.y, b.x, b.y)):
        return math.isqrt(100 * (dx * dx + dy * dy))
    return math.floor(10.0 * math.hypot(dx, dy) + 1e-9)


@dataclass
class Score:
    distance_tenths: int
    vehicles: int
    problems: list[str]

    @property
    def distance(self) -> float:
        return self.distance_tenths / 10.0

    @property
    def feasible(self) -> bool:
        return not self.problems


def score(inst: Instance, routes: list[list[int]]) -> Score:
    """Re-scores routes given as lists of Solomon CUST_NO (depot excluded).

    Checks: every customer exactly once, no unknown ids, at most NUMBER non-empty
    routes, capacity, service start within [READY, DUE] with waiting allowed,
    return to the depot by the depot's DUE. Each route leaves the depot at its READY.
    """
    pos = {n.cust_no: k for k, n in enumerate(inst.nodes)}
    depot = inst.depot
    m = inst.matrix
    problems: list[str] = []
    seen: dict[int, int] = {}
    total = 0
    used = 0
    for r, route in enumerate(routes):
        if not route:
            continue
        used += 1
        load = 0
        t = inst.scaled(depot.ready)
        prev = 0
        for c in route:
            k = pos.get(c)
            if k is None or k == 0:
                problems.append(f"route {r}: unknown or depot id {c}")
                continue
            seen[c] = seen.get(c, 0) + 1
            node = inst.nodes[k]
            total += m[prev][k]
            arrive = t + m[prev][k]
            start = max(arrive, inst.scaled(node.ready))
            if start > inst.scaled(node.due):
                problems.append(
                    f"route {r}: customer {c} starts at {start / 10} > due {node.due}"
                )
            t = start + inst.scaled(node.service)
            load += node.demand
            prev = k
        total += m[prev][0]
        back = t + m[prev][0]
        if back > inst.scaled(depot.due):
            problems.append(f"route {r}: back at depot at {back / 10} > due {depot.due}")
        if load > inst.capacity:
            problems.append(f"route {r}: load {load} > capacity {inst.capacity}")
    if used > inst.num_vehicles:
        problems.append(f"{used} routes > {inst.num_vehicles} vehicles")
    for n in inst.customers:
        k = seen.get(n.cust_no, 0)
        if k != 1:
            problems.append(f"customer {n.cust_no} visited {k} times")
    return Score(total, used, problems)


def list_instances(suite_dir: str | os.PathLike, only: str | None) -> list[Path]:
    """``*.txt`` files in suite_dir, filtered by comma-separated name prefixes (case-insensitive)."""
    prefixes = [p.strip().upper() for p in (only or "").split(",") if p.strip()]
    files = sorted(
        p
        for p in Path(suite_dir).glob("*.txt")
        if not prefixes or any(p.stem.upper().startswith(x) for x in prefixes)
    )
    if not files:
        sys.exit(f"no instances matched in {suite_dir} (only={only!r})")
    return files


def base_argparser(description: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--suite-dir", default="data/solomon", help="folder of Solomon-format *.txt")
    ap.add_argument("--only", default=None, help="comma-separated name prefixes, e.g. C1,R101")
    ap.add_argument("--seconds", type=float, default=10.0, help="time limit per run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="CSV to write (overwritten)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print feasibility problems")
    return ap


class CsvOut:
    """Writes the header, then one flushed row per run (a killed run keeps its rows)."""

    def __init__(self, path: str | os.PathLike):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._f = open(path, "w", newline="")
        self._w = csv.writer(self._f)
        self._w.writerow(CSV_HEADER)
        self._f.flush()

    def row(self, solver, instance, seed, seconds_limit, sc: Score, wall_s: float):
        self._w.writerow(
            [
                solver,
                instance,
                seed,
                "" if seconds_limit is None else f"{seconds_limit:g}",
                f"{sc.distance:.1f}",
                sc.vehicles,
                int(sc.feasible),
                f"{wall_s:.3f}",
            ]
        )
        self._f.flush()

    def close(self):
        self._f.close()


def report(solver: str, inst: Instance, sc: Score, wall_s: float, own: float | None, verbose: bool):
    """One progress line on stderr; warns if the solver's own distance disagrees with ours."""
    own_s = "" if own is None else f" (solver says {own:.1f})"
    flag = "feasible" if sc.feasible else f"INFEASIBLE ({len(sc.problems)} problems)"
    print(
        f"{solver:<6} {inst.name:<10} distance {sc.distance:>9.1f}{own_s} "
        f"vehicles {sc.vehicles:>3} {flag} wall {wall_s:.2f}s",
        file=sys.stderr,
        flush=True,
    )
    if own is not None and abs(own - sc.distance) > 0.05:
        print(f"  warning: re-scored distance differs from the solver's", file=sys.stderr)
    if verbose:
        for p in sc.problems[:20]:
            print(f"  {p}", file=sys.stderr)
