#!/usr/bin/env python3
"""Synthetic orders for the chengdu-core demo (seeded, reproducible): python3 make_orders.py

Three carriers, 50 orders each, spread over the bundled Chengdu extract with 60% inside the core
zone. Weights 0.5-12 kg, 1-3 parcels, 60-180 s service; a third have a morning or afternoon window.
These are invented orders for a demo, not real data.
"""
import random

CARRIERS = {"sf": 11, "jd": 22, "yto": 33}
CORE = (104.058, 30.658, 104.092, 30.688)      # inside the core polygon
ALL = (104.042, 30.655, 104.112, 30.728)       # the extract, a little inside its edges (roads thin out east of 104.115)

for carrier, seed in CARRIERS.items():
    rng = random.Random(seed)
    with open(f"orders-{carrier}.csv", "w") as f:
        f.write("id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\n")
        for i in range(50):
            box = CORE if rng.random() < 0.6 else ALL
            lon = rng.uniform(box[0], box[2])
            lat = rng.uniform(box[1], box[3])
            weight = round(rng.uniform(0.5, 12.0), 1)
            volume = round(weight * rng.uniform(0.002, 0.006), 4)
            parcels = rng.randint(1, 3)
            service = rng.choice([60, 90, 120, 180])
            r = rng.random()
            windows = "09:00-12:00" if r < 0.17 else "14:00-18:00" if r < 0.33 else ""
            f.write(f"{carrier}-{i + 1:03d},{lon:.6f},{lat:.6f},{weight},{volume},{parcels},{service},{windows}\n")
