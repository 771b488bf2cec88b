#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (as root), for tests that submit real job arrays.
# Adapted from shared/tools/slurm-local.sh (Debian's slurm-wlm 22.05 and munge): it also records
# which daemons it started, so `stop` ends exactly those (munged included) and nothing else.
#   tests/slurm/cluster.sh start   write /etc/slurm/slurm.conf, start munged, slurmctld, slurmd
#   tests/slurm/cluster.sh stop    stop the daemons `start` started (by their pids)
# The packages come from .ci/install-deps.sh.
set -euo pipefail
state=/run/cityfreight-slurm-test
case "${1:-start}" in
start)
  for cmd in slurmctld slurmd sbatch sinfo munged mungekey; do
    command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] || {
      echo "tests/slurm: $cmd is missing; run .ci/install-deps.sh (as root) first" >&2
      exit 1
    }
  done
  [ "$(id -u)" -eq 0 ] || { echo "tests/slurm: the one-node cluster needs root" >&2; exit 1; }
  mkdir -p "$state" /etc/munge /var/log/munge /run/munge /var/lib/munge /var/spool/slurmctld \
    /var/spool/slurmd /var/log/slurm /etc/slurm
  [ -f /etc/munge/munge.key ] || /usr/sbin/mungekey --create
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge
  chmod 400 /etc/munge/munge.key
  if ! pgrep -x munged >/dev/null; then
    rm -f /run/munge/munged.pid
    su -s /bin/sh munge -c /usr/sbin/munged
    # munged daemonizes: its pid file names the daemon, not the process su started.
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    cp /run/munge/munged.pid "$state/munged.pid"
  fi
  h=$(hostname -s)
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$h
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
NodeName=$h CPUs=$(nproc) RealMemory=$(( $(free -m | awk '/Mem:/ {print $2}') * 8 / 10 )) State=UNKNOWN
PartitionName=main Nodes=$h Default=YES MaxTime=INFINITE State=UP
CONF
  if ! { [ -f /run/slurmctld.pid ] && kill -0 "$(cat /run/slurmctld.pid)" 2>/dev/null; }; then
    /usr/sbin/slurmctld
    for _ in $(seq 50); do [ -s /run/slurmctld.pid ] && break; sleep 0.1; done
    cp /run/slurmctld.pid "$state/slurmctld.pid"
  fi
  if ! { [ -f /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; }; then
    /usr/sbin/slurmd
    for _ in $(seq 50); do [ -s /run/slurmd.pid ] && break; sleep 0.1; done
    cp /run/slurmd.pid "$state/slurmd.pid"
  fi
  for _ in $(seq 30); do
    sinfo -h -o %T 2>/dev/null | grep -q idle && { sinfo; exit 0; }
    sleep 1
  done
  echo "tests/slurm: slurm did not come up; see /var/log/slurm/" >&2
  exit 1 ;;
stop)
  for d in slurmd slurmctld munged; do
    f="$state/$d.pid"
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done ;;
esac
