#!/usr/bin/env python3
"""Synthetic loading points (bays) for the chengdu-core demo (seeded, reproducible):
python3 make_bays.py

Forty curbside bays, as in DOMAIN.md scenario 3: most open 07:00-20:00 with 30 min dwell (+15 min
for clean-energy vehicles) and a 150 m walking radius; 28 sit within 40-120 m of a random order of
the demo (where couriers would ask for one), 12 on a grid over the core. Some only admit vehicles up
to 6 m. These are invented bays for a demo, not real data.
"""
import csv
import math
import random

rng = random.Random(44)
NO_STOP = """jd-016 jd-029 jd-031 jd-034 jd-045 jd-046 sf-001 sf-002 sf-006 sf-007 sf-012 sf-014 sf-015
sf-022 sf-030 sf-031 sf-032 sf-048 yto-001 yto-002 yto-006 yto-017 yto-018 yto-020 yto-021 yto-028
yto-031 yto-034 yto-037 yto-040 yto-041 yto-042 yto-043 yto-044 yto-049""".split()
orders = {}
for carrier in ("sf", "jd", "yto"):
    with open(f"orders-{carrier}.csv") as f:
        orders.update((r["id"], (float(r["lon"]), float(r["lat"]))) for r in csv.DictReader(f))

bays = []
for lon, lat in (orders[o] for o in NO_STOP):
    d, a = rng.uniform(40, 120), rng.uniform(0, 2 * math.pi)
    bays.append((lon + d * math.cos(a) / (111_320 * math.cos(math.radians(lat))),
                 lat + d * math.sin(a) / 110_540))
for lon, lat in [(104.065, 30.665), (104.075, 30.672), (104.085, 30.680), (104.070, 30.684),
                 (104.088, 30.663)]:
    bays.append((lon, lat))

with open("bays.csv", "w") as f:
    f.write("id,lon,lat,capacity,hours,max_dwell_min,clean_extra_min,classes,max_length_m,radius_m\n")
    for k, (lon, lat) in enumerate(bays):
        capacity = rng.choice([1, 1, 2])
        hours = "Mo-Su 10:00-16:00" if rng.random() < 0.15 else "Mo-Su 07:00-20:00"
        length = "6" if rng.random() < 0.3 else ""
        f.write(f"bay-{k + 1:02d},{lon:.6f},{lat:.6f},{capacity},{hours},30,15,,{length},150\n")
