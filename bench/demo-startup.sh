#!/usr/bin/env bash
# Demo start-up, as a user sees it: from launching `./quire demo` to two windows co-editing (both
# show the sample document, synced, with the same text), read from the demo's own `ready after N
# ms` (the launch time is passed in QUIRE_LAUNCH_MILLIS, so the JVM's start counts).
#   bench/demo-startup.sh [RUNS]    default 5 measured runs, after one unmeasured run that builds
#                                   and records the class-data archives; prints each and the median
# QUIRE_DEMO_TIMINGS=1 also prints each run's phases (`quire demo --timings`).
# Needs a display; without one it runs itself under xvfb-run (1600x900). Target: docs/performance.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$0" "$@"
fi
runs="${1:-5}"
extra=()
if [[ "${QUIRE_DEMO_TIMINGS:-0}" == 1 ]]; then extra+=(--timings); fi

# One demo that co-edits and quits; prints its milliseconds from launch to ready.
run_once() {
  local out
  out="$(QUIRE_LAUNCH_MILLIS="$(date +%s%3N)" timeout 180 "$root/quire" demo --quit-when-ready \
    "${extra[@]}")"
  sed -n 's/^ready after \([0-9]*\) ms$/\1/p' <<<"$out"
}

echo "warming up (build, class-data archives)..." >&2
first="$(run_once)"
if [[ -z "$first" ]]; then
  echo "demo-startup: the demo did not become ready" >&2
  exit 1
fi

times=()
for i in $(seq 1 "$runs"); do
  ms="$(run_once)"
  if [[ -z "$ms" ]]; then
    echo "demo-startup: run $i did not become ready" >&2
    exit 1
  fi
  echo "run $i: $ms ms"
  times+=("$ms")
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}')"
echo "demo to two usable windows: median $median ms over $runs runs (target < 5000 ms)"
