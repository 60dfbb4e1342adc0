#!/usr/bin/env bash
# The reconnect of issue 13 through the command line: Alice types 10,000 edits offline while Bob's
# 10,000 reach the relay; then one `./quire sync` of Alice's profile catches up Bob's edits, rebases
# hers past them, sends them and waits for their acknowledgement. Prints that sync's wall-clock
# time (JVM start included) for each run, their median, and a no-op sync's for comparison, and
# checks that both profiles end with the same text.
#   bench/cli-reconnect.sh [RUNS] [EDITS]     default 3 runs of 10000 edits each
# Everything is made in a temporary directory, deleted at the end. Target: docs/performance.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quire="$root/quire"
runs="${1:-3}"
edits="${2:-10000}"
trace="$root/traces/automerge-paper.json.gz"
work="$(mktemp -d)"
relay_pid=""
cleanup() {
  if [[ -n "$relay_pid" ]]; then kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$quire" --version >/dev/null 2>&1 # builds first, outside the timed steps

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

echo "cli reconnect, $edits offline edits against $edits remote, load average $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for run in $(seq 1 "$runs"); do
  dir="$work/run$run"
  mkdir -p "$dir"
  ta="$("$quire" relay --data "$dir/relay" user add alice 2>/dev/null | tail -1)"
  tb="$("$quire" relay --data "$dir/relay" user add bob 2>/dev/null | tail -1)"
  "$quire" relay --data "$dir/relay" --port 0 --metrics-port -1 >"$dir/relay.out" 2>"$dir/relay.log" &
  relay_pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$dir/relay.out" 2>/dev/null && break
    sleep 0.1
  done
  relay="ws://127.0.0.1:$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$dir/relay.out")"
  # One shared document, empty, known to both profiles.
  "$quire" type shared "$trace" --limit 0 --profile "$dir/a" --relay "$relay" --token "$ta" --name Alice >/dev/null 2>&1
  "$quire" share shared bob editor --profile "$dir/a" >/dev/null 2>&1
  "$quire" sync --profile "$dir/b" --relay "$relay" --token "$tb" --name Bob >/dev/null 2>&1
  # Alice offline, Bob live.
  "$quire" type shared "$trace" --limit "$edits" --profile "$dir/a" >/dev/null 2>&1
  "$quire" type shared "$trace" --limit "$edits" --profile "$dir/b" --relay "$relay" >/dev/null 2>&1
  start=$(now)
  "$quire" sync --profile "$dir/a" >"$dir/sync.out" 2>&1
  took=$(since "$start")
  start=$(now)
  "$quire" sync --profile "$dir/a" >/dev/null 2>&1
  noop=$(since "$start")
  "$quire" sync --profile "$dir/b" >/dev/null 2>&1
  if [[ "$("$quire" show shared --profile "$dir/a" | sha256sum)" != "$("$quire" show shared --profile "$dir/b" | sha256sum)" ]]; then
    echo "run $run: the two profiles differ" >&2
    exit 1
  fi
  printf 'run %d: reconnect sync %.2f s (no-op sync after it %.2f s), %s\n' "$run" "$took" "$noop" "$(cut -f1-4 "$dir/sync.out" | tail -1)"
  times+=("$took")
  kill "$relay_pid" && wait "$relay_pid" 2>/dev/null || true
  relay_pid=""
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf 'median reconnect sync: %.2f s (target < 2 s); both profiles converged in every run\n' "$median"
