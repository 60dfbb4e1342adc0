#!/usr/bin/env bash
# Export, verify and import of a whole history file, from any directory:
#   bench/history-file.sh [TRACE] [RUNS]
# TRACE (default traces/automerge-paper.json.gz, relative to the project root) becomes a profile's
# document, one revision per edit, three authors; then each run times `quire export DOC --history`,
# `quire verify` and `quire import --history` through the real command line in one JVM (the first
# run includes JIT compilation). Builds the editor and its tests first (tests not run).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
trace="${1:-traces/automerge-paper.json.gz}"
[[ "$trace" = /* ]] || trace="$root/$trace"
runs="${2:-3}"
cd "$root"
cp_file="$root/editor/target/history-file.classpath"
mvn -q -B -Dstyle.color=never -pl editor -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
cp="$root/editor/target/test-classes:$root/editor/target/classes:$root/ot-engine/target/classes:$(cat "$cp_file")"
# shellcheck disable=SC2086  # QUIRE_JAVA_OPTS is a list of options
exec java ${QUIRE_JAVA_OPTS:-} -cp "$cp" dev.quire.editor.history.HistoryFileBench "$trace" "$runs"
