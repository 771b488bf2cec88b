#!/usr/bin/env python3
"""Scale scenarios for shared distribution on the synthetic 160k-intersection city (seeded).

  benches/make-synthetic-city.sh 400                       # bench-data/city400.osm.pbf first
  python3 benches/make-scale-scenario.py CARRIERS ORDERS [--seed S] [--out DIR]

writes DIR/scenario.toml and DIR/orders-cK.csv: CARRIERS carriers with ORDERS orders each, spread
over a 16 km x 16 km centre of the city (as parcels cluster in the dense part of a real city),
each carrier with its depot on a side of that centre and a fleet of electric micro-vans. Defaults:
DIR = bench-data/scale-CARRIERSxORDERS, seed 1. The issue's two targets:

  python3 benches/make-scale-scenario.py 3 2000   # share: separate vs shared, Shapley table
  python3 benches/make-scale-scenario.py 5 2000   # plan --pooled: one pooled plan of 10,000 orders

Synthetic orders, not real data. Deterministic for the same arguments.
"""
import argparse
import math
import os
import random

# gen_city.py: south-west corner (30.20, 120.08), about 100 m per step, 400 steps per side.
LAT0, LON0, DLAT, DLON, N = 30.20, 120.08, 0.0009, 0.00104, 400
CENTRE = (N // 2, N // 2)
HALF = 80          # steps: a 16 km x 16 km centre


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("carriers", type=int)
    ap.add_argument("orders", type=int, help="orders per carrier")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--free-flow", action="store_true",
                    help="plan at free-flow speeds ([traffic] profile = \"free-flow\"), as every scale row of README measured before 2026-12-02 did")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    out = args.out or os.path.join(here, "..", "bench-data", f"scale-{args.carriers}x{args.orders}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(args.seed)
    osm = os.path.relpath(os.path.join(here, "..", "bench-data", "city400.osm.pbf"), out)
    # Vans: about 70 stops a day each, with a quarter to spare.
    vans = math.ceil(args.orders / 70 * 1.25)
    lines = [
        f"# Synthetic scale scenario: {args.carriers} carriers x {args.orders} orders on the 160k city.",
        f"# Made by benches/make-scale-scenario.py {args.carriers} {args.orders} --seed {args.seed}"
        + (" --free-flow." if args.free_flow else "."),
        f'name = "scale-{args.carriers}x{args.orders}"',
        f'osm = "{osm}"',
        'day = "Tu"',
        "",
        "[solver]",
        "iterations = 20000",
        "threads = 2",
        f"seed = {args.seed}",
    ]
    if args.free_flow:
        lines += ["", "[traffic]", 'profile = "free-flow"']
    for k in range(args.carriers):
        angle = 2 * math.pi * k / args.carriers
        di = CENTRE[0] + round(HALF * 0.9 * math.sin(angle))
        dj = CENTRE[1] + round(HALF * 0.9 * math.cos(angle))
        depot = (LON0 + dj * DLON, LAT0 + di * DLAT)
        lines += [
            "",
            "[[carrier]]",
            f'id = "c{k + 1}"',
            f"depot = [{depot[0]:.6f}, {depot[1]:.6f}]",
            f'orders = "orders-c{k + 1}.csv"',
            f'fleet = [ {{ class = "e-micro-van", count = {vans}, shift = "07:00-20:00" }} ]',
        ]
        with open(os.path.join(out, f"orders-c{k + 1}.csv"), "w") as f:
            f.write("id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\n")
            for i in range(args.orders):
                # Denser towards the middle: the sum of two uniforms per axis.
                oi = CENTRE[0] + (rng.uniform(-HALF, HALF) + rng.uniform(-HALF, HALF)) / 2
                oj = CENTRE[1] + (rng.uniform(-HALF, HALF) + rng.uniform(-HALF, HALF)) / 2
                lon, lat = LON0 + oj * DLON, LAT0 + oi * DLAT
                weight = round(rng.uniform(0.3, 8.0), 1)
                volume = round(weight * rng.uniform(0.002, 0.006), 4)
                r = rng.random()
                windows = "09:00-12:00" if r < 0.1 else "14:00-18:00" if r < 0.2 else ""
                f.write(f"c{k + 1}-{i + 1:05d},{lon:.6f},{lat:.6f},{weight},{volume},"
                        f"{rng.randint(1, 3)},{rng.choice([60, 90, 120])},{windows}\n")
    with open(os.path.join(out, "scenario.toml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out}/scenario.toml ({args.carriers} carriers x {args.orders} orders, {vans} vans each)")


if __name__ == "__main__":
    main()
