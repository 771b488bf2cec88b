#!/bin/sh
# Property-based fuzzing of the running service from its own OpenAPI description (schemathesis
# from PyPI: `pip install schemathesis`). Fails on any 5xx. Start the server first, e.g.
#   cityfreight serve --osm data/osm/chengdu-center-2018.osm.pbf \
#     --policy data/scenarios/chengdu-core/policy.toml --addr 127.0.0.1:3918 --data /tmp/st-data
# Usage: sh benches/service/fuzz_schemathesis.sh [BASE_URL] [MAX_EXAMPLES]
set -e
URL=${1:-http://127.0.0.1:3918}
exec schemathesis run "$URL/openapi.json" --checks not_a_server_error -n "${2:-50}" --workers 2
