#!/usr/bin/env bash
# Co-editing latency, keystroke in one window to the repaint in the other, in two real windows on
# a real relay (editor/src/test/java/dev/quire/editor/ui/CoEditLatencyBenchmark.java):
#   bench/coedit-latency.sh [KEYSTROKES]    default 300 measured keystrokes; prints p50, p90, p99
# Needs a display; without one it runs itself under xvfb-run. Targets: docs/performance.md.
exec "$(dirname "${BASH_SOURCE[0]}")/run-editor-main.sh" dev.quire.editor.ui.CoEditLatencyBenchmark "$@"
