#!/usr/bin/env python3
"""The PostgreSQL job store's benchmarks (BENCHMARKS.md, "PostgreSQL job store"), so the
figures there come from one command and do not drift:

  cargo build --release && python3 scripts/pg/bench.py [--jobs 40] [--budget 1]

1. Throughput of 1, 2 and 4 workers: one API process that solves nothing (`serve --store
   postgres://… --max-concurrent-solves 0`) and W `worker --concurrency 1 --max-threads 1`
   processes; `--jobs` sample-day jobs (data/sample-day.json, one thread, a fixed work
   budget: `time_limit_s` = `--budget`, deterministic) posted at once. Reports jobs/min
   (first post to last finish), the queue latency (created -> started) p50/p99 of the
   burst, the mean objective and the stop reasons: the work budget goes with a wall-clock
   deadline (`time_limit_s`), which more workers than cores reach first, so compare
   objectives before reading more jobs/min as more work done.
2. The same jobs on one SQLite server solving one at a time, against 1 worker.
3. The fault run: `--fault-jobs` jobs (`--fault-budget` s each), 3 workers (`--lease-s 5`), one killed with
   SIGKILL every 20 s (in turn) and started again at once. Every job must end `done`,
   stored exactly once (one "job stored" log line per job over all the workers' logs, and
   one `finished_by`), and every plan must pass `carerounds check`.

Uses scripts/pg/start.sh's server (started if needed). Standard library only.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "carerounds")


def psql_bin():
    base = "/usr/lib/postgresql"
    versions = sorted(os.listdir(base), key=lambda v: [int(x) for x in v.split(".") if x.isdigit()])
    return os.path.join(base, versions[-1], "bin", "psql")


def admin(url, sql):
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([psql_bin(), url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL, env=env)


def query(url, sql):
    out = subprocess.run([psql_bin(), url, "-At", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_db(base, name):
    admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(base, f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


class Proc:
    def __init__(self, args, log):
        self.args = args
        self.log = open(log, "a")
        self.p = subprocess.Popen([BIN] + args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.first = self.p.stdout.readline().strip()

    def addr(self):
        return self.first.removeprefix("carerounds listening on http://")

    def kill9(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait()

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()


def http(addr, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://{addr}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def ms(rfc):
    return datetime.strptime(rfc, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000


def problem(budget):
    with open(os.path.join(ROOT, "data", "sample-day.json")) as f:
        p = json.load(f)
    p.setdefault("options", {})
    p["options"]["time_limit_s"] = budget
    p["options"]["threads"] = 1
    return p


def run_jobs(addr, p, n, timeout=1800, during=None):
    """Posts n jobs at once, waits for all to end; returns their final views."""
    ids = [http(addr, "POST", "/v1/jobs", p)["id"] for _ in range(n)]
    t0 = time.time()
    while True:
        views = [http(addr, "GET", f"/v1/jobs/{i}") for i in ids]
        if all(v["status"] in ("done", "failed", "cancelled") for v in views):
            return views
        if during:
            during()
        if time.time() - t0 > timeout:
            sys.exit("jobs not finished in time")
        time.sleep(0.2)


def figures(views):
    created = [ms(v["created_at"]) for v in views]
    started = [ms(v["started_at"]) for v in views]
    finished = [ms(v["finished_at"]) for v in views]
    wait = sorted((s - c) / 1000 for s, c in zip(started, created))
    span_min = (max(finished) - min(created)) / 60000
    p99 = wait[min(len(wait) - 1, int(round(0.99 * (len(wait) - 1))))]
    return {
        "jobs": len(views),
        "done": sum(v["status"] == "done" for v in views),
        "jobs_per_min": round(len(views) / span_min, 1),
        "queue_p50_s": round(statistics.median(wait), 2),
        "queue_p99_s": round(p99, 2),
        "mean_objective": round(statistics.mean(v["objective"] or 0 for v in views), 1),
        # completed: the whole work budget; time_limit: cut by the wall-clock deadline
        # (time_limit_s), which CPU contention reaches first.
        "stops": {s: sum(v["stop"] == s for v in views) for s in sorted({v["stop"] for v in views})},
    }


def throughput(base, workers, p, n, logs):
    url = fresh_db(base, f"bench_w{workers}")
    api = Proc(["serve", "--addr", "127.0.0.1:0", "--store", url, "--max-concurrent-solves", "0",
                "--max-queued", "10000"], f"{logs}/api_w{workers}.log")
    ws = [Proc(["worker", "--store", url, "--concurrency", "1", "--max-threads", "1"],
               f"{logs}/w{workers}_{k}.log") for k in range(workers)]
    try:
        return figures(run_jobs(api.addr(), p, n))
    finally:
        for w in ws:
            w.stop()
        api.stop()


def sqlite(p, n, logs):
    with tempfile.TemporaryDirectory() as d:
        api = Proc(["serve", "--addr", "127.0.0.1:0", "--data-dir", d, "--max-concurrent-solves", "1",
                    "--max-threads", "1", "--max-queued", "10000"], f"{logs}/sqlite.log")
        try:
            return figures(run_jobs(api.addr(), p, n))
        finally:
            api.stop()


def fault(base, p, n, logs, every=20.0):
    url = fresh_db(base, "bench_fault")
    api = Proc(["serve", "--addr", "127.0.0.1:0", "--store", url, "--max-concurrent-solves", "0",
                "--max-queued", "10000"], f"{logs}/api_fault.log")
    args = ["worker", "--store", url, "--concurrency", "1", "--max-threads", "1", "--lease-s", "5",
            "--log", "info"]
    ws = [Proc(args, f"{logs}/fault_{k}.log") for k in range(3)]
    state = {"next": time.time() + every, "kills": 0, "victim": 0}

    def killer():
        if time.time() >= state["next"]:
            k = state["victim"]
            ws[k].kill9()
            ws[k] = Proc(args, f"{logs}/fault_{k}.log")
            state["kills"] += 1
            state["victim"] = (k + 1) % 3
            state["next"] += every

    t0 = time.time()
    try:
        views = run_jobs(api.addr(), p, n, during=killer)
    finally:
        for w in ws:
            w.stop()
    wall = time.time() - t0
    stored = {}
    for k in range(3):
        with open(f"{logs}/fault_{k}.log") as f:
            for line in f:
                m = re.search(r"job stored job=([0-9a-f]{32})", line)
                if m:
                    stored[m.group(1)] = stored.get(m.group(1), 0) + 1
    ids = [v["id"] for v in views]
    once = sum(stored.get(i, 0) == 1 for i in ids)
    by = int(query(url, "SELECT count(*) FROM jobs WHERE status = 'done' AND finished_by IS NOT NULL"))
    taken_over = sum(v["restarts"] > 0 for v in views)
    with tempfile.TemporaryDirectory() as d:
        pf = os.path.join(d, "problem.json")
        with open(pf, "w") as f:
            json.dump(p, f)
        passed = 0
        for v in views:
            if v["status"] != "done":
                continue
            full = http(api.addr(), "GET", f"/v1/jobs/{v['id']}")
            plan = os.path.join(d, "plan.json")
            with open(plan, "w") as f:
                json.dump(full["plan"], f)
            r = subprocess.run([BIN, "check", pf, plan], capture_output=True, text=True)
            passed += r.returncode == 0
    api.stop()
    return {
        "jobs": n,
        "done": sum(v["status"] == "done" for v in views),
        "stored_exactly_once": once,
        "finished_by_set": by,
        "taken_over_after_kill": taken_over,
        "kills": state["kills"],
        "plans_pass_checker": passed,
        "wall_s": round(wall, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=40)
    ap.add_argument("--budget", type=float, default=1.0, help="time_limit_s of each job (work budget)")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--fault-jobs", type=int, default=100)
    ap.add_argument("--fault-budget", type=float, default=2.0, help="time_limit_s of the fault run's jobs")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-fault", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} missing: cargo build --release first")
    base = subprocess.run(["bash", os.path.join(ROOT, "scripts/pg/start.sh")], check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    print(f"machine: {os.cpu_count()} cores; PostgreSQL {query(base, 'SHOW server_version')}, "
          f"fsync={query(base, 'SHOW fsync')}; {a.jobs} jobs of data/sample-day.json, "
          f"budget {a.budget} s, 1 thread each")
    p = problem(a.budget)
    logs = tempfile.mkdtemp(prefix="carerounds-pg-bench-")
    print(f"logs: {logs}")
    if not a.skip_throughput:
        for w in [int(x) for x in a.workers.split(",")]:
            print(json.dumps({"store": "postgres", "workers": w, **throughput(base, w, p, a.jobs, logs)}), flush=True)
        print(json.dumps({"store": "sqlite", "workers": 1, **sqlite(p, a.jobs, logs)}), flush=True)
    if not a.skip_fault:
        print(json.dumps({"fault_run": fault(base, problem(a.fault_budget), a.fault_jobs, logs)}), flush=True)


if __name__ == "__main__":
    main()
