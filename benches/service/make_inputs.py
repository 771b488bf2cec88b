#!/usr/bin/env python3
"""Request bodies for the service benchmarks, from the Chengdu demo orders (seeded files in
data/scenarios/chengdu-core). Writes into the folder given (default bench-out/service):

  table-100.json        POST /v1/table: 100 order doors, e-micro-van with the green pass, Tu 10:00
  solve-100.json        POST /v1/solve: the first 100 orders as VROOM jobs with coordinates,
                        4 e-micro-vans from the SF depot, 2,000 iterations (bounded load)

Usage: python3 benches/service/make_inputs.py [OUT_DIR]
"""
import csv, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bench-out", "service")
DEPOT = [104.0450, 30.7150]


def orders():
    out = []
    for name in ("orders-sf.csv", "orders-jd.csv", "orders-yto.csv"):
        with open(os.path.join(ROOT, "data/scenarios/chengdu-core", name)) as f:
            out.extend(csv.DictReader(f))
    return out


def seconds(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def jobs(rows):
    out = []
    for i, r in enumerate(rows):
        job = {"id": i + 1, "location": [float(r["lon"]), float(r["lat"])],
               "service": int(r["service_s"]), "delivery": [int(r["parcels"])]}
        if r["windows"]:
            job["time_windows"] = [[seconds(a), seconds(b)] for a, b in
                                   (w.split("-") for w in r["windows"].split(";"))]
        out.append(job)
    return out


def vehicles(count):
    return [{"id": v + 1, "profile": "e-micro-van", "start": DEPOT, "end": DEPOT,
             "capacity": [60], "time_window": [6 * 3600, 20 * 3600],
             "cityfreight": {"permit": "green-pass"}} for v in range(count)]


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = orders()[:100]
    points = [[float(r["lon"]), float(r["lat"])] for r in rows]
    with open(os.path.join(OUT, "table-100.json"), "w") as f:
        json.dump({"class": "e-micro-van", "sources": points, "departure": "Tu 10:00",
                   "permit": "green-pass"}, f)
    with open(os.path.join(OUT, "solve-100.json"), "w") as f:
        json.dump({"vehicles": vehicles(4), "jobs": jobs(rows),
                   "cityfreight": {"iterations": 2000, "time_zero": "Tu 00:00"}}, f)
    print(f"wrote {OUT}/table-100.json and solve-100.json ({len(rows)} orders)")


if __name__ == "__main__":
    main()
