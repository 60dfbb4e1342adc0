#!/usr/bin/env bash
# Runs the quick benchmarks and prints their tables for docs/performance.md as Markdown, with the
# machine they ran on, from any directory:
#   bench/report.sh           the settings docs/performance.md's figures come from (about 5 minutes)
#   bench/report.sh --quick   the shortest settings: checks that everything runs; figures meaningless
# Covered: the engine's JMH benchmarks (bench/run-jmh.sh), the relay's five load scenarios
# (bench/relay-load.sh), the local store (./quire bench). Not covered, being longer or needing a
# display: the 10,000/10,000 sync test, bench/editor-latency.sh, bench/history-view.sh bench.
# Each tool's own output goes to stderr as it runs; the Markdown goes to stdout. Exits non-zero
# when a benchmark fails or prints something this script cannot read.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *)
    echo "usage: bench/report.sh [--quick]" >&2
    exit 2
    ;;
esac

tmp="$(mktemp -d "${TMPDIR:-/tmp}/quire-report.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if $quick; then
  jmh_settings=(-f 1 -wi 1 -i 1 -w 1 -r 1)
  small="$root/traces/sveltecomponent.json.gz"
  relay_settings=(--warmup 200 --count 200 --seconds 1 --docs 10 --authors 20 --hot-seconds 2
    --catchup-runs 1 --catchup-warmup 0 --trace "$small")
  store_settings=(--seconds 1 --trace "$small")
else
  jmh_settings=(-f 1 -wi 6 -i 8 -w 1 -r 1)
  relay_settings=()
  store_settings=()
fi
jmh_pattern='TraceReplayBenchmark|OperationBenchmark'

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- run everything first, so that the tables come out together

"$root/bench/run-jmh.sh" "${jmh_settings[@]}" -rf csv -rff "$tmp/jmh.csv" "$jmh_pattern" >&2
"$root/bench/relay-load.sh" "${relay_settings[@]}" | tee "$tmp/relay.txt" >&2
"$root/quire" bench "${store_settings[@]}" | tee "$tmp/store.txt" >&2

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- reading the outputs

# Figures are read inside $(...) in the tables below, where an exit would end only the subshell:
# a figure that cannot be read is reported, marked in the table, and fails the script at the end.
unreadable() {
  echo "bench/report.sh: $1" >&2
  touch "$tmp/unreadable"
  printf '**?**'
}

# The first match of the Perl regex $2 (with \K before the wanted part) in file $1.
pick() {
  local found
  found="$(grep -oP -m1 "$2" "$1" | head -1 || true)"
  if [[ -z "$found" ]]; then
    unreadable "no match for /$2/ in the output of $(basename "$1" .txt)"
    return
  fi
  printf '%s' "$found"
}

# JMH's CSV: "class.method","mode",threads,samples,score,error,"unit"; $1 is the method name.
jmh() {
  awk -F, -v m="$1" '{ gsub(/"/, "") } $1 ~ ("\\." m "$") { printf "%s", $5 }' "$tmp/jmh.csv"
}
jmh_error() {
  awk -F, -v m="$1" '{ gsub(/"/, "") } $1 ~ ("\\." m "$") { printf "%s", $6 }' "$tmp/jmh.csv"
}
jmh_unit() {
  awk -F, -v m="$1" '{ gsub(/"/, "") } $1 ~ ("\\." m "$") { sub(/\/op/, "", $7); printf "%s", $7 }' "$tmp/jmh.csv"
}
# "score ± error unit", with the score rounded to 3 significant digits.
jmh_figure() {
  local score
  score="$(jmh "$1")"
  if [[ -z "$score" ]]; then
    unreadable "JMH reported no $1"
    return
  fi
  LC_ALL=C printf '%.3g ± %.2g %s' "$score" "$(jmh_error "$1")" "$(jmh_unit "$1")"
}

relay="$tmp/relay.txt"
store="$tmp/store.txt"

# "met" when $1 $2 $3 holds ("<" or ">="), else "missed".
verdict() {
  LC_ALL=C awk -v v="$1" -v op="$2" -v limit="$3" 'BEGIN {
    if (v !~ /^[0-9.]+$/) { printf "?"; exit }
    ok = op == "<" ? v + 0 < limit + 0 : v + 0 >= limit + 0
    printf "%s", ok ? "met" : "missed"
  }'
}

# Engine
raw="$(jmh automergeRawSplice)"
buffer="$(jmh automergeEngineBuffer)"
ratio="$(LC_ALL=C awk -v a="${buffer:-0}" -v b="${raw:-0}" \
  'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "?" }')"
friends="$(jmh friendsforeverReplay)"

# Local store
history_revisions="$(pick "$store" 'history: \K[0-9]+')"
history_seconds="$(pick "$store" 'history: .* written in \K[0-9.]+')"
head_first="$(pick "$store" 'open document to head text .*first \K[0-9.]+')"
head_median="$(pick "$store" 'open document to head text .*median of [0-9]+ \K[0-9.]+')"
at_samples="$(pick "$store" 'text at a random revision \(\K[0-9]+')"
at_median="$(pick "$store" 'text at a random revision .*median \K[0-9.]+')"
at_p99="$(pick "$store" 'text at a random revision .*p99 \K[0-9.]+')"
at_max="$(pick "$store" 'text at a random revision .*max \K[0-9.]+')"
typing_rate="$(pick "$store" 'typing [0-9]+ edits at \K[0-9.]+')"
durable_p50="$(pick "$store" 'typing .*p50 \K[0-9.]+')"
durable_p99="$(pick "$store" 'typing .*p99 \K[0-9.]+')"
durable_max="$(pick "$store" 'typing .*max \K[0-9.]+')"

# Relay
echo_line='echo round trip \(Java-WebSocket, loopback floor\):'
ack_line='submit -> ack \(1 operation per batch\):'
hot_line='submit -> arrival at each other author:'
whole_line='open from revision 0, whole history'
snapshot_line='open from revision 0 allowing a snapshot'
echo_p50="$(pick "$relay" "$echo_line .*p50=\\K[0-9.]+")"
echo_p99="$(pick "$relay" "$echo_line .*p99=\\K[0-9.]+")"
ack_p50="$(pick "$relay" "$ack_line .*p50=\\K[0-9.]+")"
ack_p99="$(pick "$relay" "$ack_line .*p99=\\K[0-9.]+")"
tp_setup="$(pick "$relay" '== throughput: \K[0-9]+ documents x [0-9]+ writers, batches of [0-9]+')"
tp_rate="$(pick "$relay" '^throughput: acknowledged committed operations: .* = \K[0-9]+')"
tp_warm_rate="$(pick "$relay" '^throughput once compiled: acknowledged committed operations: .* = \K[0-9]+')"
hot_setup="$(pick "$relay" '== hot document: \K[0-9]+ authors typing [0-9]+ edits/s')"
hot_p95="$(pick "$relay" "$hot_line .*p95=\\K[0-9.]+")"
hot_p50="$(pick "$relay" "$hot_line .*p50=\\K[0-9.]+")"
hot_batches="$(pick "$relay" 'typed .*edits/s, \K[0-9]+')"
cu_trace="$(pick "$relay" 'building a document with the \K[^ ]+')"
cu_revisions="$(pick "$relay" "$whole_line to the head \\(\\K[0-9]+")"
cu_median="$(pick "$relay" "$whole_line.*median \\K[0-9]+")"
cu_runs="$(pick "$relay" "$whole_line.*runs \\[\\K[0-9, ]+")"
snap_median="$(pick "$relay" "$snapshot_line.*median \\K[0-9]+")"
submit_batch="$(pick "$relay" 'submitted [0-9]+ revisions in batches of \K[0-9]+')"
submit_seconds="$(pick "$relay" 'submitted [0-9]+ revisions in batches of [0-9]+ in \K[0-9.]+')"
submit_stored="$(pick "$relay" 'all in the relay.s database \K[0-9.]+')"
wake_first="$(pick "$relay" 'first submit after the restart \K[0-9.]+')"
wake_next="$(pick "$relay" 'the next \K[0-9.]+')"
wake_idle="$(pick "$relay" 'ms idle \K[0-9.]+')"
# The relay process's CPU-seconds per 1,000 operations in scenario $1 (as the generator names it).
relay_cpu() {
  pick "$relay" "relay CPU in $1: \\K[0-9.]+"
}
cpu_latency="$(relay_cpu latency)"
cpu_throughput="$(relay_cpu throughput)"
cpu_throughput_warm="$(relay_cpu 'throughput once compiled')"
cpu_hot="$(relay_cpu 'hot document')"
cpu_catchup="$(relay_cpu catch-up)"
cpu_snapshot="$(relay_cpu 'catch-up allowing a snapshot')"
cpu_submit="$(relay_cpu 'submitting the history')"
cpu_wake="$(relay_cpu 'wake[^:]*')"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
memory="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1024 / 1024 }' /proc/meminfo)"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"
java_version="$(java -version 2>&1 | head -1)"
jmh_version="$(grep -oP -m1 '<jmh.version>\K[^<]+' "$root/pom.xml")"
relay_cmd="bench/relay-load.sh${relay_settings[*]:+ ${relay_settings[*]}}"
relay_cmd="${relay_cmd//$root\//}"
store_cmd="./quire bench${store_settings[*]:+ ${store_settings[*]}}"
store_cmd="${store_cmd//$root\//}"

# ---- the tables

cat <<EOF
## The machine

| | |
|---|---|
| CPU | $(nproc) vCPUs, $cpu |
| memory | $memory |
| system | $os, $java_version, JMH $jmh_version |
| load average (1, 5, 15 min) | $load_start at the start, $load_end at the end |
$(if $quick; then printf '| settings | **--quick: the shortest settings; these figures mean nothing** |'; fi)

## Engine: trace replay (JMH)

    bench/run-jmh.sh ${jmh_settings[*]} '$jmh_pattern'

| benchmark | what it does | figure | target |
|---|---|---|---|
| \`TraceReplayBenchmark.automergeRawSplice\` | the floor: automerge-paper's 259,778 edits spliced into a bare \`char[]\` gap buffer | $(jmh_figure automergeRawSplice) | |
| \`TraceReplayBenchmark.automergeEngineBuffer\` | the same trace as pre-built \`TextOperation\`s applied to \`GapBuffer\` | $(jmh_figure automergeEngineBuffer) (${ratio}x the floor) | within 3x the floor of the same run: $(verdict "$ratio" "<" 3.0001) |
| \`TraceReplayBenchmark.automergeSequentialReplay\` | what \`./quire trace\` does: build each operation from its patch, then apply it | $(jmh_figure automergeSequentialReplay) | |
| \`TraceReplayBenchmark.friendsforeverReplay\` | 26,078 two-author transactions through two \`ClientSync\`s and a \`MemorySequencer\` (three canonicalisations and three buffers per transaction) | $(jmh_figure friendsforeverReplay) | < 50 ms: $(verdict "$friends" "<" 50) |

## Engine: operations (JMH)

    bench/run-jmh.sh ${jmh_settings[*]} '$jmh_pattern'

| benchmark | what it does | figure |
|---|---|---|
| \`OperationBenchmark.transformInsertInsert\` | transform of two keystrokes on a 10,000-character document | $(jmh_figure transformInsertInsert) |
| \`OperationBenchmark.transformInsertTie\` | the same at one position (tie-break) | $(jmh_figure transformInsertTie) |
| \`OperationBenchmark.transformInsertDelete\` | a keystroke against a backspace | $(jmh_figure transformInsertDelete) |
| \`OperationBenchmark.transformPasteDelete\` | a 40-character replace against a backspace | $(jmh_figure transformPasteDelete) |
| \`OperationBenchmark.composeKeystrokes\` | two consecutive keystrokes composed | $(jmh_figure composeKeystrokes) |

## Local store

    $store_cmd

| measure | figure | target |
|---|---|---|
| write the trace as history, one revision per edit | $history_revisions revisions in $history_seconds s | |
| open the document to its head text | first $head_first ms, median of 5 $head_median ms | < 300 ms: $(verdict "$head_first" "<" 300) |
| text at a random revision ($at_samples samples) | median $at_median ms, p99 $at_p99 ms, max $at_max ms | < 50 ms at p99: $(verdict "$at_p99" "<" 50) |
| local durability, typing at $typing_rate edits/s: edit to committed | p50 $durable_p50 ms, p99 $durable_p99 ms, max $durable_max ms | < 100 ms: $(verdict "$durable_max" "<" 100) |

## Relay

    $relay_cmd

Relay CPU: the relay process's CPU-seconds per 1,000 operations acknowledged (delivered, for
catch-up) in the measured part of each scenario.

| scenario | figure | target | relay CPU per 1,000 ops |
|---|---|---|---|
| echo floor: Java-WebSocket echo on loopback, same message size | p50 $echo_p50 ms, p99 $echo_p99 ms | | |
| latency: one client, sequential 1-operation submits, submit to ack | p50 $ack_p50 ms, p99 $ack_p99 ms | p50 < 0.5 ms: $(verdict "$ack_p50" "<" 0.5); p99 < 2 ms: $(verdict "$ack_p99" "<" 2) | $cpu_latency s |
| throughput: $tp_setup, every writer subscribed, fresh relay, acknowledged operations | $tp_rate ops/s | >= 20,000 ops/s: $(verdict "$tp_rate" ">=" 20000); CPU < 0.14 s: $(verdict "$cpu_throughput" "<" 0.14) | $cpu_throughput s |
| the same writers once the relay's JIT compiler has settled | $tp_warm_rate ops/s | >= 20,000 ops/s: $(verdict "$tp_warm_rate" ">=" 20000) | $cpu_throughput_warm s |
| hot document: $hot_setup each, submit to arrival at each other author | p95 $hot_p95 ms, p50 $hot_p50 ms, $hot_batches batches/s | p95 < 250 ms: $(verdict "$hot_p95" "<" 250) | $cpu_hot s |
| catch-up: a fresh client opens the $cu_trace history ($cu_revisions revisions) from revision 0 | median $cu_median ms (runs $cu_runs ms) | < 1 s: $(verdict "$cu_median" "<" 1000) | $cpu_catchup s |
| catch-up allowing a snapshot | median $snap_median ms | < 1 s: $(verdict "$snap_median" "<" 1000) | $cpu_snapshot s |
| submitting that history, $submit_batch revisions a batch | $submit_seconds s; the relay's database holds all of it $submit_stored s after the last acknowledgement | | $cpu_submit s |
| wake: the first submit to that document after a relay restart (\`--scenario wake\`) | $wake_first ms; the next submit $wake_next ms; the first after 3 s idle $wake_idle ms | < 50 ms: $(verdict "$wake_first" "<" 50) | $cpu_wake s (the restarted relay's first submits) |
EOF

if [[ -e "$tmp/unreadable" ]]; then
  echo "bench/report.sh: some figures could not be read (marked **?**)" >&2
  exit 1
fi
