#!/usr/bin/env python3
"""Write tiny PBF seeds (a few hundred bytes, uncompressed blocks) that exercise every part of the
reader: plain and dense nodes, a charging station, roads with access, conditional and size tags, and
a turn restriction. Usage: tiny_pbf.py OUT_DIR"""
import os, struct, sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def key(num, wire):
    return varint(num << 3 | wire)


def vint(num, n):
    return key(num, 0) + varint(n & 0xFFFFFFFFFFFFFFFF)


def ln(num, payload):
    return key(num, 2) + varint(len(payload)) + payload


def packed(num, values, enc=lambda v: varint(v & 0xFFFFFFFFFFFFFFFF)):
    return ln(num, b"".join(enc(v) for v in values))


def spacked(num, values):
    return packed(num, values, lambda v: varint(zigzag(v)))


def frame(kind, payload):
    blob = ln(1, payload) + vint(2, len(payload))
    k = kind.encode()
    header = ln(1, k) + vint(3, len(blob))
    return struct.pack(">I", len(header)) + header + blob


STRINGS = ["", "highway", "residential", "primary", "hgv:conditional",
           "no @ (Mo-Fr 07:00-19:00)", "maxweight", "3.5", "oneway", "yes", "type",
           "restriction", "no_left_turn", "from", "via", "to", "amenity", "charging_station",
           "socket:type2:output", "22 kW", "name", "Main St", "maxheight", "3.2", "access",
           "destination", "maxspeed", "30 mph", "motor_vehicle:conditional",
           "delivery @ (07:00-10:00)"]


def s(text):
    return STRINGS.index(text)


def block(dense):
    table = ln(1, b"".join(ln(1, t.encode()) for t in STRINGS))
    lats = [306600000, 306610000, 306620000, 306605000]
    lons = [1040600000, 1040610000, 1040600000, 1040620000]
    ids = [1, 2, 3, 4]
    station = [s("amenity"), s("charging_station"), s("socket:type2:output"), s("22 kW")]
    if dense:
        kv = [0, 0, 0] + station + [0]
        deltas = lambda xs: [xs[0]] + [b - a for a, b in zip(xs, xs[1:])]
        nodes = ln(2, spacked(1, deltas(ids)) + spacked(8, deltas(lats)) + spacked(9, deltas(lons))
                   + packed(10, kv))
    else:
        nodes = b""
        for i, (id_, la, lo) in enumerate(zip(ids, lats, lons)):
            tags = b""
            if i == 3:
                tags = packed(2, station[0::2]) + packed(3, station[1::2])
            nodes += ln(1, vint(1, zigzag(id_)) + tags + vint(8, zigzag(la)) + vint(9, zigzag(lo)))

    def way(id_, refs, tags):
        d = [refs[0]] + [b - a for a, b in zip(refs, refs[1:])]
        return ln(3, vint(1, id_) + packed(2, [s(k) for k, _ in tags])
                  + packed(3, [s(v) for _, v in tags]) + spacked(8, d))

    ways = way(10, [1, 2, 3], [("highway", "residential"), ("hgv:conditional", "no @ (Mo-Fr 07:00-19:00)"),
                               ("maxweight", "3.5"), ("name", "Main St"), ("maxheight", "3.2")])
    ways += way(11, [2, 4, 1], [("highway", "primary"), ("oneway", "yes"), ("access", "destination"),
                                ("maxspeed", "30 mph"),
                                ("motor_vehicle:conditional", "delivery @ (07:00-10:00)")])
    members = [10, 2, 11]
    md = [members[0]] + [b - a for a, b in zip(members, members[1:])]
    relation = ln(4, vint(1, 20) + packed(2, [s("type"), s("restriction")])
                  + packed(3, [s("restriction"), s("no_left_turn")])
                  + packed(8, [s("from"), s("via"), s("to")]) + spacked(9, md) + packed(10, [1, 0, 1]))
    group = ln(2, nodes + ways + relation)
    return table + group + vint(17, 100)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    header = frame("OSMHeader", ln(4, b"OsmSchema-V0.6") + ln(4, b"DenseNodes"))
    for dense in (False, True):
        name = "tiny-dense.osm.pbf" if dense else "tiny-nodes.osm.pbf"
        with open(os.path.join(out, name), "wb") as f:
            f.write(header + frame("OSMData", block(dense)))


main()
