#!/usr/bin/env bash
# A large document end to end through the real command line, and what it costs on disk:
#   bench/profile-size.sh [MB]     default 20 (MB of UTF-8 text)
# Writes MB of text (ASCII, accented, CJK and emoji characters, tabs, quotes, control characters),
# starts a relay on a free port (default limits), then: `quire import` into profile A, `quire sync`
# A, `quire sync` a new profile B (the second device), `quire export` from B, and compares the
# bytes. Prints the time of each step and each profile's bytes on disk (its backups/ directory
# left out) against the text plus its history's operations: an import's history is the inserts that
# make the text, so the operations are as large as the text. Then stops the relay (a clean stop:
# its journal emptied into H2) and prints its data directory's bytes the same way. Target
# (docs/performance.md): each profile, and the relay, < 3x (text + operations). Everything is made in a temporary directory, deleted at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quire="$root/quire"
mb="${1:-20}"
work="$(mktemp -d)"
relay_pid=""
cleanup() {
  if [[ -n "$relay_pid" ]]; then kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The text: pieces repeated in a fixed pseudo-random order until MB megabytes.
LC_ALL=C awk -v bytes=$((mb * 1024 * 1024)) 'BEGIN {
  n = split("alpha |beta\n|γάμμα |日本語 |😀|é|\t|\"q\" |\\|\001|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", piece, "|")
  srand(1); size = 0; out = ""
  while (size < bytes) {
    p = piece[int(rand() * n) + 1]; out = out p; size += length(p)
    if (length(out) > 65536) { printf "%s", out; out = "" }
  }
  printf "%s", out
}' >"$work/in.txt"
text_bytes=$(stat -c %s "$work/in.txt")

# Builds the jars and the editor's class-data archive now, if due, rather than in the first step.
"$quire" --version >/dev/null 2>&1

token="$("$quire" relay --data "$work/relay" user add alice 2>/dev/null | tail -1)"
"$quire" relay --data "$work/relay" --port 0 --metrics-port -1 >"$work/relay.out" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/relay.out" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/relay.out")"
relay="ws://127.0.0.1:$port"

# Runs a step, printing its wall-clock time; stops the benchmark when it fails.
step() {
  local name="$1"
  shift
  local start end
  start=$(date +%s.%N)
  if ! "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "$name failed:" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  printf '| %s | %.1f s |\n' "$name" "$(echo "$end - $start" | bc)"
}

on_disk() {
  find "$1" -path "$1/backups" -prune -o -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}

echo "| step ($mb MB, $text_bytes bytes of text) | time |"
echo "|---|---|"
step import "$quire" import "$work/in.txt" --id big --profile "$work/a"
step "sync A (upload)" "$quire" sync --profile "$work/a" --relay "$relay" --token "$token" --name A --timeout 3600
step "sync B (second device)" "$quire" sync --profile "$work/b" --relay "$relay" --token "$token" --name B --timeout 3600
step "export from B" "$quire" export big "$work/out.txt" --profile "$work/b"
if cmp -s "$work/in.txt" "$work/out.txt"; then exact=yes; else exact=NO; fi
echo
echo "byte-exact on the second device: $exact"
echo
bound=$((3 * 2 * text_bytes))
kill -TERM "$relay_pid"
wait "$relay_pid" 2>/dev/null || true
relay_pid=""
echo "| data | bytes on disk | x (text + operations) | target < 3x |"
echo "|---|---|---|---|"
for p in a b relay; do
  size=$(on_disk "$work/$p")
  ratio=$(echo "scale=2; $size / (2 * $text_bytes)" | bc)
  met=$([[ $size -lt $bound ]] && echo met || echo "not met")
  name=$([[ $p == relay ]] && echo "relay (after a clean stop)" || echo "profile $p")
  echo "| $name | $size | ${ratio}x | $met |"
done
[[ "$exact" == yes ]]
