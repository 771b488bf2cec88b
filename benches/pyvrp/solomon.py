#!/usr/bin/env python3
"""PyVRP (from PyPI) on Solomon / Gehring-Homberger files, under cityfreight's `exact` convention.

Usage: python3 benches/pyvrp/solomon.py DIR_OR_FILES... --time-limit S [--seed 1] [--out CSV]

Distances are Euclidean in double precision times 10,000, rounded (cityfreight's `exact`
convention, `src/instances/convention.rs`); travel time equals distance; windows and service
times times 10,000; the fleet as in the file; the objective is distance. PyVRP runs on one
thread (it has no parallel search). The gap is to the `distance` row of
../shared/data/vrp/bks.csv, like `cityfreight bench-suite`. Each plan is re-checked here:
PyVRP's own feasibility flag, and the distance recomputed from the routes.
"""
import argparse, csv, math, os, sys, time
import numpy as np
from pyvrp import Model
from pyvrp.stop import MaxRuntime

SCALE = 10_000


def read_solomon(path):
    lines = [l.split() for l in open(path, encoding="utf-8", errors="replace")]
    name = lines[0][0]
    vehicles = capacity = None
    rows = []
    for i, l in enumerate(lines):
        if l[:2] == ["NUMBER", "CAPACITY"]:
            vehicles, capacity = int(lines[i + 1][0]), int(lines[i + 1][1])
        if len(l) == 7 and all(x.replace(".", "", 1).isdigit() for x in l):
            rows.append([float(x) for x in l])
    return name, vehicles, capacity, rows


def bks_table(path):
    table = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["objective"] == "distance":
                table.setdefault(r["instance"].upper(), float(r["bks_distance"]))
    return table


def solve(path, seconds, seed):
    name, vehicles, capacity, rows = read_solomon(path)
    xy = np.array([[r[1], r[2]] for r in rows])
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    dist = np.rint(d * SCALE).astype(np.int64)
    m = Model()
    locs = [m.add_location(x=int(r[1]), y=int(r[2])) for r in rows]
    m.add_depot(locs[0], tw_early=int(rows[0][4] * SCALE), tw_late=int(rows[0][5] * SCALE))
    m.add_vehicle_type(num_available=vehicles, capacity=capacity,
                       tw_early=int(rows[0][4] * SCALE), tw_late=int(rows[0][5] * SCALE))
    for loc, r in zip(locs[1:], rows[1:]):
        m.add_client(loc, delivery=int(r[3]), tw_early=int(r[4] * SCALE),
                     tw_late=int(r[5] * SCALE), service_duration=int(r[6] * SCALE))
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            if i != j:
                m.add_edge(a, b, distance=int(dist[i, j]), duration=int(dist[i, j]))
    t0 = time.time()
    res = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    wall = time.time() - t0
    best = res.best
    total = 0
    for route in best.routes():
        # Clients were added in file order after the one depot, so client k (activity idx) is location k + 1.
        visits = [0] + [a.idx + 1 for a in route if a.is_client()] + [0]
        total += sum(int(dist[a, b]) for a, b in zip(visits, visits[1:]))
    assert total == best.distance(), (name, total, best.distance())
    return name, total / SCALE, best.num_routes(), best.is_feasible(), res.num_iterations, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--time-limit", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bks", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/vrp/bks.csv"))
    ap.add_argument("--out")
    a = ap.parse_args()
    files = []
    for p in a.paths:
        files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.lower().endswith(".txt")) if os.path.isdir(p) else [p]
    bks = bks_table(a.bks)
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    w = csv.writer(out)
    w.writerow(["instance", "cost", "vehicles", "bks", "gap_pct", "feasible", "iterations", "wall_s"])
    gaps = []
    for f in files:
        name, cost, routes, feasible, iters, wall = solve(f, a.time_limit, a.seed)
        ref = bks.get(name.upper())
        gap = 100 * (cost - ref) / ref if ref else float("nan")
        gaps.append(gap)
        w.writerow([name, f"{cost:.2f}", routes, ref, f"{gap:.3f}", feasible, iters, f"{wall:.2f}"])
        out.flush()
    print(f"# PyVRP mean gap {sum(gaps) / len(gaps):.3f}% over {len(gaps)} instances", file=sys.stderr)


if __name__ == "__main__":
    main()
