#!/usr/bin/env bash
# Installs what the tests need that is not a crate. Idempotent: each block checks first and is
# quick when everything is already there; `apt-get update` runs at most once, only when something
# is missing. Each block names the issue and the test it serves.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
need_cmd() { # need_cmd COMMAND PACKAGE...
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$@")
}
need_pkg() { # need_pkg PACKAGE
  dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1")
}

# --- report (issue 14): headless Chromium, a CJK font, Node and playwright-core for
# tests/report_browser.rs
[ -x /usr/bin/chromium ] || missing+=(chromium)
need_pkg fonts-noto-cjk
need_cmd node nodejs
need_cmd npm npm
# --- end report

# --- issue 16 (sharding on a cluster scheduler): tests/slurm/run.sh starts a one-node Slurm
# cluster (slurmctld, slurmd, munged) and submits the demo sweep as a job array; osmium-tool
# converts the synthetic 12-carrier city (data/osm/README.md) to .osm.pbf when it is regenerated.
need_cmd slurmctld slurm-wlm
need_cmd slurmd slurm-wlm
need_cmd sbatch slurm-wlm
need_cmd munged munge
need_cmd mungekey munge
need_cmd osmium osmium-tool
# --- end issue 16

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages ${missing[*]}; run this script as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi

# --- report (issue 14), continued: the Node packages of the browser test
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: playwright-core needs Node >= 20, found $(node --version)" >&2
  exit 1
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund)
fi
# --- end report
echo "install-deps: ok"
