#!/usr/bin/env python3
"""cityfreight's /v1/solve against VROOM (pyvroom from PyPI) on the same input and matrix.

1. The 100 Chengdu demo orders of make_inputs.py and the SF depot; their 101x101 travel-time
   matrix from the running server's /v1/table (e-micro-van with the green pass, Tu 10:00),
   rounded up to whole seconds.
2. One VROOM JSON with `matrices.car.durations` and `location_index` (4 vehicles, capacity 60
   parcels, shift 06:00-20:00, the orders' service times and windows).
3. POST /v1/solve with `cityfreight.time_limit` (default 2 s, 1 thread), timed by wall clock;
   pyvroom `Input.from_json` on the same file (the `cityfreight` key removed), solved with
   exploration level 5 on 1 thread.

Usage: python3 benches/service/compare_pyvroom.py http://127.0.0.1:PORT [TIME_LIMIT_S] [OUT_DIR]
Needs: `pip install pyvroom`; a server started with
`cityfreight serve --osm data/osm/chengdu-center-2018.osm.pbf --policy data/scenarios/chengdu-core/policy.toml`.
"""
import json, math, os, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_inputs  # noqa: E402

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
LIMIT = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
OUT = sys.argv[3] if len(sys.argv) > 3 else os.path.join(make_inputs.ROOT, "bench-out", "service")


def post(path, body):
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def main():
    import vroom  # pyvroom
    os.makedirs(OUT, exist_ok=True)
    rows = make_inputs.orders()[:100]
    points = [make_inputs.DEPOT] + [[float(r["lon"]), float(r["lat"])] for r in rows]
    table = post("/v1/table", {"class": "e-micro-van", "sources": points,
                               "departure": "Tu 10:00", "permit": "green-pass"})
    if any(d is None for row in table["durations"] for d in row):
        sys.exit("some pairs are unreachable; pick other points")
    durations = [[math.ceil(d) for d in row] for row in table["durations"]]
    jobs = make_inputs.jobs(rows)
    for j, job in enumerate(jobs):
        del job["location"]
        job["location_index"] = j + 1
    vehicles = [{"id": v + 1, "start_index": 0, "end_index": 0, "capacity": [60],
                 "time_window": [6 * 3600, 20 * 3600]} for v in range(4)]
    problem = {"vehicles": vehicles, "jobs": jobs, "matrices": {"car": {"durations": durations}}}
    path = os.path.join(OUT, "compare-100.json")
    with open(path, "w") as f:
        json.dump(problem, f)
    ours_in = dict(problem, cityfreight={"time_limit": LIMIT, "threads": 1, "seed": 1})
    t = time.time()
    ours = post("/v1/solve", ours_in)
    ours_wall = time.time() - t
    t = time.time()
    sol = vroom.Input.from_json(path).solve(exploration_level=5, nb_threads=1)
    vroom_wall = time.time() - t
    vroom_cost = int(sol.summary.cost) if hasattr(sol, "summary") else None
    if vroom_cost is None:
        vroom_cost = int(sol.to_dict()["summary"]["cost"])
    vroom_unassigned = len(sol.to_dict()["unassigned"])
    print(f"input: {path} (100 jobs, 4 vehicles, matrix from /v1/table)")
    print(f"cityfreight: cost {ours['summary']['cost']}, {ours['summary']['routes']} routes, "
          f"{ours['summary']['unassigned']} unassigned, {ours_wall:.2f} s wall (time limit {LIMIT} s)")
    print(f"pyvroom {vroom.__version__ if hasattr(vroom, '__version__') else ''}: cost {vroom_cost}, "
          f"{vroom_unassigned} unassigned, {vroom_wall:.2f} s wall (exploration 5, 1 thread)")


if __name__ == "__main__":
    main()
