#!/usr/bin/env python3
"""Random VROOM problems with shipments against a running `cityfreight serve`, each answer
re-checked here, independently of the server: every job and shipment served at most once, both
halves of a shipment on one route with the pickup first, the load after each step equal to the
sum of what was picked up and not yet delivered (shipments) plus the deliveries still aboard,
never negative and never above the vehicle's capacity, and every unassigned id a real one.

Usage: python3 benches/service/fuzz_shipments.py http://127.0.0.1:PORT [PROBLEMS] [SEED]
"""
import json, random, sys, urllib.error, urllib.request

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 200
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1


def problem(rng):
    n = rng.randint(2, 14)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(n)]
    durations = [[int(abs(a[0] - b[0]) + abs(a[1] - b[1])) for b in pts] for a in pts]
    dims = rng.randint(1, 2)
    cap = [rng.randint(3, 12) for _ in range(dims)]
    vehicles = [{"id": v + 1, "start_index": 0, "end_index": 0, "capacity": cap}
                for v in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        for v in vehicles:
            v["time_window"] = [0, rng.randint(2000, 20000)]
    jobs, shipments = [], []
    for j in range(rng.randint(0, 6)):
        job = {"id": j + 1, "location_index": rng.randrange(1, n), "service": rng.randint(0, 60)}
        kind = rng.random()
        amount = [rng.randint(0, 4) for _ in range(dims)]
        if kind < 0.5:
            job["delivery"] = amount
        elif kind < 0.8:
            job["pickup"] = amount
        else:
            job["delivery"] = amount
            job["pickup"] = [rng.randint(0, 4) for _ in range(dims)]
        if rng.random() < 0.3:
            a = rng.randint(0, 3000)
            job["time_windows"] = [[a, a + rng.randint(100, 5000)]]
        jobs.append(job)
    for s in range(rng.randint(1, 5)):
        step = lambda i: {"id": i, "location_index": rng.randrange(1, n), "service": rng.randint(0, 60)}
        ship = {"pickup": step(s + 1), "delivery": step(s + 1),
                "amount": [rng.randint(0, 5) for _ in range(dims)]}
        if rng.random() < 0.3:
            a = rng.randint(0, 3000)
            ship["delivery"]["time_windows"] = [[a, a + rng.randint(100, 5000)]]
        shipments.append(ship)
    return {"vehicles": vehicles, "jobs": jobs, "shipments": shipments,
            "matrices": {"car": {"durations": durations}},
            "cityfreight": {"iterations": 300, "seed": rng.randint(1, 1000)}}


def post(body):
    req = urllib.request.Request(URL + "/v1/solve", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def check(p, answer):
    errors = []
    jobs = {j["id"]: j for j in p["jobs"]}
    ships = {s["pickup"]["id"]: s for s in p["shipments"]}
    caps = {v["id"]: v["capacity"] for v in p["vehicles"]}
    dims = len(next(iter(caps.values())))
    zero = lambda: [0] * dims
    seen = set()
    for route in answer["routes"]:
        cap = caps[route["vehicle"]]
        steps = route["steps"]
        load = zero()
        for j in (s for s in steps if s["type"] == "job"):
            load = [a + b for a, b in zip(load, jobs[j["id"]].get("delivery", zero()))]
        aboard = set()
        for step in steps:
            kind = step["type"]
            if kind == "job":
                job = jobs[step["id"]]
                load = [a - d + q for a, d, q in zip(load, job.get("delivery", zero()),
                                                   job.get("pickup", zero()))]
                key = ("job", step["id"])
            elif kind == "pickup":
                load = [a + b for a, b in zip(load, ships[step["id"]]["amount"])]
                aboard.add(step["id"])
                key = ("pickup", step["id"])
            elif kind == "delivery":
                if step["id"] not in aboard:
                    errors.append(f"shipment {step['id']} delivered before its pickup or on another route")
                aboard.discard(step["id"])
                load = [a - b for a, b in zip(load, ships[step["id"]]["amount"])]
                key = ("delivery", step["id"])
            else:
                key = None
            if key:
                if key in seen:
                    errors.append(f"{key} served twice")
                seen.add(key)
            if "load" in step and step["load"] != load and kind != "start":
                errors.append(f"vehicle {route['vehicle']} step {kind} {step.get('id')}: "
                              f"load {step['load']}, expected {load}")
            if any(x < 0 or x > c for x, c in zip(load, cap)):
                errors.append(f"vehicle {route['vehicle']}: load {load} outside 0..{cap}")
        if aboard:
            errors.append(f"shipments {sorted(aboard)} picked up and never delivered")
    for u in answer.get("unassigned", []):
        t = u.get("type", "job")
        if t == "job" and u["id"] not in jobs or t in ("pickup", "delivery") and u["id"] not in ships:
            errors.append(f"unassigned {u} names no input")
    return errors


def main():
    rng = random.Random(SEED)
    statuses, served, failures = {}, 0, 0
    for i in range(COUNT):
        p = problem(rng)
        status, answer = post(p)
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200:
            if status >= 500:
                failures += 1
                print(f"problem {i}: {status} {answer}")
            continue
        served += sum(s["type"] == "pickup" for r in answer["routes"] for s in r["steps"])
        errors = check(p, answer)
        if errors:
            failures += 1
            print(f"problem {i}: " + "; ".join(errors[:5]))
            json.dump(p, open(f"/tmp/fuzz-shipments-{i}.json", "w"))
    print(f"{COUNT} problems, statuses {statuses}, {served} shipments served, {failures} failing")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
