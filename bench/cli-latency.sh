#!/usr/bin/env bash
# Command-line latency, as a user sees it: wall-clock time of whole ./quire runs (JVM start
# included) on an existing profile holding a document with 2,000 revisions.
#   bench/cli-latency.sh [RUNS]     default 11 runs per command; prints median and p90 in seconds
# A relay is started on a free port for the no-op sync, and everything is made in a temporary
# directory that is deleted at the end. Targets: docs/performance.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quire="$root/quire"
runs="${1:-11}"
work="$(mktemp -d)"
relay_pid=""
cleanup() {
  if [[ -n "$relay_pid" ]]; then kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

trace="$root/traces/seph-blog1.json.gz"
profile="$work/profile"

# The relay, on a free port, and a user.
"$quire" relay --data "$work/relay" --port 0 --metrics-port -1 >"$work/relay.out" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/relay.out" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/relay.out")"
[[ -n "$port" ]] || { echo "the relay did not start: $(cat "$work/relay.log")" >&2; exit 1; }
token="$("$quire" relay --data "$work/relay" user add alice 2>/dev/null)"

# The profile: a document of 2,000 edits typed and synced, and a second, small one.
"$quire" type --profile "$profile" doc "$trace" --limit 2000 \
  --relay "ws://127.0.0.1:$port" --token "$token" >/dev/null
"$quire" sync --profile "$profile" >/dev/null
printf 'x' >"$work/small.txt"
"$quire" import --profile "$profile" "$work/small.txt" --id small >/dev/null
"$quire" sync --profile "$profile" >/dev/null

# One row per command: median and p90 of $runs wall-clock runs.
measure() {
  local name="$1"
  shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>"$work/err" || { echo "$name failed: $(cat "$work/err")" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  local n=${#sorted[@]}
  local median=${sorted[$(( n / 2 ))]}
  local p90=${sorted[$(( (n * 9 + 9) / 10 - 1 ))]}
  awk -v name="$name" -v m="$median" -v p="$p90" -v n="$n" \
    'BEGIN { printf "%-18s median %6.3f s   p90 %6.3f s   (%d runs)\n", name, m / 1000, p / 1000, n }'
}

echo "cli latency, $runs runs each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "docs" "$quire" docs --profile "$profile"
measure "show" "$quire" show --profile "$profile" doc
measure "show --rev 1000" "$quire" show --profile "$profile" doc --rev 1000
measure "history" "$quire" history --profile "$profile" doc
measure "export" "$quire" export --profile "$profile" doc "$work/out.txt"
measure "sync (no-op)" "$quire" sync --profile "$profile"
