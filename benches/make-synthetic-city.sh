#!/usr/bin/env bash
# Make a synthetic city extract for scale benchmarks: N x N intersections (N=400: 160k, N=1000: 1M).
#   benches/make-synthetic-city.sh 400      -> bench-data/city400.osm.pbf
# Needs python3 and Debian's osmium-tool (installed if missing and running as root).
set -euo pipefail
n=${1:?usage: $0 N}
here=$(cd "$(dirname "$0")/.." && pwd)
gen="$here/../shared/tools/gen_city.py"
out="$here/bench-data"
mkdir -p "$out"
if ! command -v osmium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq osmium-tool >/dev/null; else echo "install osmium-tool" >&2; exit 1; fi
fi
[ -f "$out/city$n.osm.pbf" ] && { echo "$out/city$n.osm.pbf exists"; exit 0; }
python3 "$gen" "$n" "$out/city$n.osm"
osmium cat --overwrite "$out/city$n.osm" -o "$out/city$n.osm.pbf"
rm -f "$out/city$n.osm"
ls -l "$out/city$n.osm.pbf"
