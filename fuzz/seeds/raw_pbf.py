#!/usr/bin/env python3
"""Write fuzz seeds from a PBF extract: the OSMHeader block plus one of the last data blocks (ways
and relations), each blob stored uncompressed (`Blob.raw`), so that libFuzzer's mutations reach
the protobuf and OSM decoding instead of failing zlib's checksum. Usage: raw_pbf.py EXTRACT.osm.pbf OUT_DIR [MAX_BLOCKS]"""
import os, struct, sys, zlib


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


def read_varint(buf, i):
    shift = n = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return n, i


def fields(buf):
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"wire type {wire}")
        yield num, wire, v


def blocks(data):
    pos = 0
    while pos < len(data):
        (hlen,) = struct.unpack(">I", data[pos:pos + 4])
        pos += 4
        header = data[pos:pos + hlen]
        pos += hlen
        kind = size = None
        for num, _, v in fields(header):
            if num == 1:
                kind = v.decode()
            elif num == 3:
                size = v
        blob = data[pos:pos + size]
        pos += size
        raw = None
        for num, _, v in fields(blob):
            if num == 1:
                raw = v
            elif num == 3:
                raw = zlib.decompress(v)
        yield kind, raw


def frame(kind, raw):
    blob = b"\x0a" + varint(len(raw)) + raw + b"\x10" + varint(len(raw))
    k = kind.encode()
    header = b"\x0a" + varint(len(k)) + k + b"\x18" + varint(len(blob))
    return struct.pack(">I", len(header)) + header + blob


def main():
    src, out = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.makedirs(out, exist_ok=True)
    all_blocks = list(blocks(open(src, "rb").read()))
    header = frame(*all_blocks[0])
    stem = os.path.basename(src).split(".")[0]
    first = max(1, len(all_blocks) - limit)
    for i, (kind, raw) in enumerate(all_blocks[first:], start=first):
        with open(os.path.join(out, f"{stem}-raw-block{i}.osm.pbf"), "wb") as f:
            f.write(header + frame(kind, raw))


main()
