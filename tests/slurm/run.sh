#!/usr/bin/env bash
# The demo sweep on a real scheduler: start a one-node Slurm cluster (tests/slurm/cluster.sh),
# plan the sweep once in one process, submit it as a job array (deploy/slurm/sweep.sbatch, one
# shard per array task), wait for the array, merge, and compare the merged comparison.csv and
# comparison.json with the single process's byte for byte. Stops by itself (timeouts), cancels
# its job if it has to, stops the daemons it started and removes its files.
# Then it drops one shard's results, checks that merge names that shard, re-runs it alone as a
# one-task array (SHARDS=3 keeps the count) and compares again.
#   tests/slurm/run.sh          (as root; the packages come from .ci/install-deps.sh)
# Uses target/release/cityfreight (built if missing) or $CITYFREIGHT.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CITYFREIGHT:-$root/target/release/cityfreight}
shards=${SHARDS:-3}
[ -x "$bin" ] || (cd "$root" && cargo build --release)
work=$(mktemp -d /tmp/cityfreight-slurm.XXXXXX)
job=
cleanup() {
  rc=$?
  [ -n "$job" ] && scancel "$job" 2>/dev/null || true
  "$root/tests/slurm/cluster.sh" stop || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
fail() {
  echo "tests/slurm: FAILED: $*" >&2
  for f in "$work"/task-*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  echo "0 passed, 1 failed"
  exit 1
}
now() { date +%s.%N; }

timeout 120 "$root/tests/slurm/cluster.sh" start || fail "the cluster did not start"
sweep=$root/data/scenarios/chengdu-core/sweep.toml

t0=$(now)
timeout 600 "$bin" sweep "$sweep" --out "$work/one" 2>"$work/one.log" || fail "the one-process sweep failed: $(tail -3 "$work/one.log")"
t1=$(now)

job=$(sbatch --parsable --array=0-$((shards - 1)) --output="$work/task-%a.log" --chdir="$work" \
  --export=ALL,CITYFREIGHT="$bin" "$root/deploy/slurm/sweep.sbatch" "$sweep" "$work/sharded") \
  || fail "sbatch refused the job"
job=${job%%;*}
deadline=$(( $(date +%s) + 900 ))
while squeue -h -j "$job" 2>/dev/null | grep -q .; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "job array $job did not finish within 900 s"
  sleep 1
done
t2=$(now)
job=
for i in $(seq 0 $((shards - 1))); do
  grep -q "^shard $i/$shards: " "$work/task-$i.log" || fail "array task $i did not run shard $i/$shards"
done

"$bin" merge "$work/sharded" 2>"$work/merge.log" || fail "merge failed: $(cat "$work/merge.log")"
for f in comparison.csv comparison.json; do
  cmp "$work/one/$f" "$work/sharded/$f" || fail "$f differs between one process and the merged job array"
done
# A lost shard: drop shard 1's results; merge names it; re-running that one array task alone
# (SHARDS keeps the count) completes the table again.
for h in $(grep -o '"hash": "[0-9a-f]*"' "$work/sharded/manifest.json" | cut -d'"' -f4 | awk -v n="$shards" '(NR - 1) % n == 1'); do
  rm "$work/sharded/runs/$h.json"
done
rm "$work/sharded/comparison.csv" "$work/sharded/comparison.json"
if "$bin" merge "$work/sharded" 2>"$work/merge.log"; then fail "merge succeeded with shard 1's results gone"; fi
grep -q "shard 1/$shards" "$work/merge.log" || fail "merge did not name shard 1/$shards: $(cat "$work/merge.log")"
job=$(sbatch --parsable --array=1 --output="$work/rerun-%a.log" --chdir="$work" \
  --export=ALL,CITYFREIGHT="$bin",SHARDS="$shards" "$root/deploy/slurm/sweep.sbatch" "$sweep" "$work/sharded") \
  || fail "sbatch refused the re-run"
job=${job%%;*}
deadline=$(( $(date +%s) + 600 ))
while squeue -h -j "$job" 2>/dev/null | grep -q .; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the re-run of shard 1 did not finish within 600 s"
  sleep 1
done
job=
grep -q "^shard 1/$shards: " "$work/rerun-1.log" || fail "the re-run did not run shard 1/$shards: $(cat "$work/rerun-1.log")"
"$bin" merge "$work/sharded" 2>"$work/merge.log" || fail "merge after the re-run failed: $(cat "$work/merge.log")"
for f in comparison.csv comparison.json; do
  cmp "$work/one/$f" "$work/sharded/$f" || fail "$f differs after re-running shard 1 alone"
done

awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$shards" 'BEGIN {
  printf "tests/slurm: demo sweep, one process %.1f s wall; %d-task Slurm array %.1f s wall (submit to last task done); tables identical\n", b - a, n, c - b }'
echo "1 passed, 0 failed"
