#!/usr/bin/env bash
# A large document end to end through real editor windows
# (editor/src/test/java/dev/quire/editor/ui/LargeDocumentBenchmark.java):
#   bench/editor-large-document.sh [MB]     default 50 (MiB of UTF-8 text)
# Starts a relay process on a free port (default limits), then in one editor JVM: File › Import
# into a window on profile A, which uploads it; a window on profile B (the second device) lists
# it, opens it and shows it whole (compared with the file); a keystroke typed there is synced;
# A's window, opened again, syncs it; File › Export from A, compared byte for byte with the file
# plus the keystroke. Prints each step's time, the editor JVM's peak heap in use and its peak
# resident memory (both profiles' windows run in that one JVM, one after the other; the relay has
# a process of its own). The editor JVM runs with -Xmx2g (bench/run-editor-main.sh);
# BENCH_JAVA_OPTS=-Xmx... sets another. Needs a display; without one it runs itself under
# xvfb-run. Everything is made in temporary directories, deleted at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$0" "$@"
fi
quire="$root/quire"
mb="${1:-50}"
work="$(mktemp -d)"
relay_pid=""
cleanup() {
  if [[ -n "$relay_pid" ]]; then kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

token="$("$quire" relay --data "$work/relay" user add alice 2>/dev/null | tail -1)"
"$quire" relay --data "$work/relay" --port 0 --metrics-port -1 >"$work/relay.out" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/relay.out" 2>/dev/null && break
  sleep 0.1
done
port="$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/relay.out")"
if [[ -z "$port" ]]; then
  echo "the relay did not start:" >&2
  cat "$work/relay.log" >&2
  exit 1
fi

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/bench/run-editor-main.sh" dev.quire.editor.ui.LargeDocumentBenchmark "$mb" "ws://127.0.0.1:$port" "$token"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
