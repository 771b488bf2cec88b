#!/usr/bin/env python3
"""Illustrative parcel lockers (智能快件箱) and pickup points (自提点, 驿站) for the chengdu-lockers
scenario (seeded, reproducible): python3 make_lockers.py > lockers.csv

Twelve entries over the chengdu-core demo area of data/osm/chengdu-center-2018.osm.pbf: eight
sit 60-250 m from a random demo order whose door is on a trunk or primary road (where vans may
not stop), four on a grid over the core. Nine are lockers with small/medium/large compartments,
three are pickup points taking a number of parcels per day; most are open to every carrier, as
shared lockers are. Positions, names, sizes and hours are invented for a demo, NOT real data.
"""
import csv
import math
import random
import sys

rng = random.Random(13)
NO_STOP = """jd-016 jd-029 jd-031 jd-034 jd-045 jd-046 sf-001 sf-002 sf-006 sf-007 sf-012 sf-014 sf-015
sf-022 sf-030 sf-031 sf-032 sf-048 yto-001 yto-002 yto-006 yto-017 yto-018 yto-020 yto-021 yto-028
yto-031 yto-034 yto-037 yto-040 yto-041 yto-042 yto-043 yto-044 yto-049""".split()
orders = {}
for carrier in ("sf", "jd", "yto"):
    with open(f"../chengdu-core/orders-{carrier}.csv") as f:
        orders.update((r["id"], (float(r["lon"]), float(r["lat"]))) for r in csv.DictReader(f))

points = []
for o in rng.sample(NO_STOP, 8):
    lon, lat = orders[o]
    d, a = rng.uniform(60, 250), rng.uniform(0, 2 * math.pi)
    points.append((lon + d * math.cos(a) / (111_320 * math.cos(math.radians(lat))),
                   lat + d * math.sin(a) / 110_540))
points += [(104.066, 30.667), (104.078, 30.673), (104.086, 30.681), (104.071, 30.686)]

print("# Illustrative parcel lockers and pickup points for the chengdu-lockers scenario")
print("# (make_lockers.py, seeded): invented positions, names, sizes and hours, NOT real data.")
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["id", "name", "kind", "lon", "lat", "small", "medium", "large", "parcels", "hours",
            "carriers", "service_s", "per_parcel_s"])
for k, (lon, lat) in enumerate(points, 1):
    if k % 4 == 0:
        w.writerow([f"pp-{k:02d}", f"社区驿站 {k:02d} (示意)", "pickup_point", f"{lon:.6f}",
                    f"{lat:.6f}", "", "", "", rng.choice([60, 80, 120]), "Mo-Su 08:00-21:00",
                    "*", 120, 5])
    else:
        w.writerow([f"lk-{k:02d}", f"智能快件箱 {k:02d} (示意)", "locker", f"{lon:.6f}",
                    f"{lat:.6f}", rng.choice([16, 24, 32]), rng.choice([6, 8, 12]),
                    rng.choice([2, 4]), "", "", "sf;jd" if k == 3 else "*", 90, 10])
