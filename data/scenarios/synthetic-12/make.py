#!/usr/bin/env python3
"""The bundled 12-carrier scenario on the synthetic city (seeded; synthetic orders, not real data).

  python3 data/scenarios/synthetic-12/make.py [--seed 1]

writes data/osm/synthetic-city-40.osm.pbf (gen_city.py, 40 x 40 intersections, about 4 km x 4 km,
seed 16, converted with Debian's osmium-tool) and, beside this file, scenario.toml and
orders-cK.csv: twelve express carriers, each with its depot on the edge of the city, twelve orders
spread over its local streets and one electric micro-van. It exists so `cityfreight share` has an exact
12-carrier table to plan (4,095 coalitions), sharded on a cluster. Deterministic for a seed.
"""
import argparse
import math
import os
import random
import subprocess

LAT0, LON0, DLAT, DLON, N = 30.20, 120.08, 0.0009, 0.00104, 40
CARRIERS, ORDERS = 12, 12


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    osm_dir = os.path.join(here, "..", "..", "osm")
    pbf = os.path.join(osm_dir, f"synthetic-city-{N}.osm.pbf")
    # shared/ sits beside the repository (read-only in CI).
    gen = os.path.join(here, "..", "..", "..", "..", "shared", "tools", "gen_city.py")
    xml = pbf[: -len(".pbf")]
    subprocess.run(["python3", gen, str(N), xml, "--seed", "16"], check=True)
    subprocess.run(["osmium", "cat", "--overwrite", xml, "-o", pbf], check=True)
    os.remove(xml)
    rng = random.Random(args.seed)

    def at(i: float, j: float) -> tuple:
        return (LON0 + j * DLON, LAT0 + i * DLAT)

    lines = [
        "# Twelve express carriers on the synthetic 40 x 40 city (make.py, seeded): twelve orders and one",
        "# electric micro-van each. Exact Shapley over 4,095 coalitions; plan them in shards:",
        "#   cityfreight share data/scenarios/synthetic-12/scenario.toml --out out/share12 \\",
        "#     --runs out/share12.runs --shard I/N        (I = 0..N-1), then cityfreight merge out/share12.runs",
        'name = "synthetic-12"',
        f'osm = "../../osm/synthetic-city-{N}.osm.pbf"',
        'day = "Tu"',
        "",
        "[solver]",
        "iterations = 200",
        "threads = 2",
        "seed = 1",
        "local_search = 0   # 4,095 small coalitions: ruin and recreate alone (README's timing is for this)",
    ]
    for c in range(CARRIERS):
        angle = 2 * math.pi * c / CARRIERS
        depot = at(N / 2 + 17 * math.sin(angle), N / 2 + 17 * math.cos(angle))
        cid = f"c{c + 1:02d}"
        rows = ["id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows"]
        for k in range(ORDERS):
            # On a local street (rows and columns 3-7 of a block), not on an arterial, where
            # vans may not stop by default.
            i = 10 * rng.randrange(N // 10) + rng.randint(3, 7)
            j = 10 * rng.randrange(N // 10) + rng.uniform(3, 7)
            lon, lat = at(i, j)
            window = rng.choice(["", "", "09:00-12:00", "14:00-18:00"])
            rows.append(f"{cid}-{k + 1:02d},{lon:.6f},{lat:.6f},{rng.uniform(1, 12):.1f},"
                        f"{rng.uniform(0.005, 0.05):.4f},{rng.randint(1, 4)},{rng.choice([60, 90, 120])},{window}")
        with open(os.path.join(here, f"orders-{cid}.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        lines += [
            "",
            "[[carrier]]",
            f'id = "{cid}"',
            f"depot = [{depot[0]:.6f}, {depot[1]:.6f}]",
            f'orders = "orders-{cid}.csv"',
            'fleet = [ { class = "e-micro-van", count = 1, shift = "07:00-19:00" } ]',
        ]
    with open(os.path.join(here, "scenario.toml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {pbf} and {CARRIERS} carriers x {ORDERS} orders in {here}")


if __name__ == "__main__":
    main()
