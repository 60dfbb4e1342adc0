#!/usr/bin/env bash
# Screenshots of real windows for docs/
# (editor/src/test/java/dev/quire/editor/ui/ScreenshotTour.java):
#   bench/screenshots.sh [DIR]    default docs/screenshots
# Needs a display; without one it runs itself under xvfb-run (1600x900).
exec "$(dirname "${BASH_SOURCE[0]}")/run-editor-main.sh" dev.quire.editor.ui.ScreenshotTour "$@"
