#!/usr/bin/env bash
# The history view under Xvfb, from any directory:
#   bench/history-view.sh screenshots          saves docs/screenshots/history-{light,dark}.png
#   bench/history-view.sh bench [TRACE] [N]    scrubbing latency on a trace imported as history
#                                              (default traces/automerge-paper.json.gz, 200 moves)
# Builds the editor and its tests first (Maven reactor, tests not run). Needs xvfb-run.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
cp_file="$root/editor/target/history-view.classpath"
mvn -q -B -Dstyle.color=never -pl editor -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cp="$root/editor/target/test-classes:$root/editor/target/classes:$root/ot-engine/target/classes:$(cat "$cp_file")"
run() { xvfb-run -a -s "-screen 0 1400x1000x24" java ${QUIRE_JAVA_OPTS:-} -cp "$cp" "$@"; }
case "${1:-}" in
  screenshots)
    mkdir -p docs/screenshots
    run dev.quire.editor.ui.history.HistoryScreenshots docs/screenshots/history-light.png light
    run dev.quire.editor.ui.history.HistoryScreenshots docs/screenshots/history-dark.png dark
    ;;
  bench)
    shift
    run dev.quire.editor.ui.history.HistoryScrubBench "$@"
    ;;
  *)
    echo "usage: bench/history-view.sh screenshots | bench [TRACE] [MOVES]" >&2
    exit 2
    ;;
esac
