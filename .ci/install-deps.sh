#!/usr/bin/env bash
# System packages the tests need beyond the Rust toolchain. Idempotent: quick when everything is
# installed already; `apt-get update` runs once, only when something is missing. Helpers add their
# own blocks below; each block lists the commands it needs and the Debian packages providing them.
set -euo pipefail

missing=()
need() { # need COMMAND PACKAGE...
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("$@")
}

# --- issue 16 (sharding on a cluster scheduler): tests/slurm/run.sh starts a one-node Slurm
# cluster (slurmctld, slurmd, munged) and submits the demo sweep as a job array; osmium-tool
# converts the synthetic 12-carrier city (data/osm/README.md) to .osm.pbf when it is regenerated.
need slurmctld slurm-wlm
need slurmd slurm-wlm
need sbatch slurm-wlm
need munged munge
need mungekey munge
need osmium osmium-tool
# --- end issue 16

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages ${missing[*]}; run this script as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi
echo "install-deps: ok"
