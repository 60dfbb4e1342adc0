#!/usr/bin/env bash
# Editor latency on a 1 MB document in real windows
# (editor/src/test/java/dev/quire/editor/ui/EditorLatencyBenchmark.java):
#   bench/editor-latency.sh [KEYSTROKES]    default 400 measured keystrokes per text
# Needs a display; without one it runs itself under xvfb-run.
exec "$(dirname "${BASH_SOURCE[0]}")/run-editor-main.sh" dev.quire.editor.ui.EditorLatencyBenchmark "$@"
