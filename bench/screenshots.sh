#!/usr/bin/env bash
# Screenshots of real windows for docs/
# (editor/src/test/java/dev/quire/editor/ui/ScreenshotTour.java):
#   bench/screenshots.sh [DIR]    default docs/screenshots
# Needs a display; without one it runs itself under xvfb-run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$0" "$@"
fi
cp_file="$root/editor/target/bench.classpath"

echo "building the editor and its tests..." >&2
mvn -B -q -f "$root/pom.xml" -pl editor -am -Dspotless.check.skip=true -DskipTests \
  test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2

java=java
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; fi

# Run from a private copy of the classes, so a build started meanwhile cannot pull them away.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/quire-screenshots.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
for m in ot-engine relay editor; do
  cp -r "$root/$m/target/classes" "$snapshot/$m-classes"
done
cp -r "$root/relay/target/test-classes" "$snapshot/relay-test-classes"
cp -r "$root/editor/target/test-classes" "$snapshot/editor-test-classes"

cd "$root"
"$java" -Xmx2g ${BENCH_JAVA_OPTS:-} \
  -cp "$snapshot/editor-test-classes:$snapshot/editor-classes:$snapshot/relay-classes:$snapshot/ot-engine-classes:$(cat "$cp_file")" \
  dev.quire.editor.ui.ScreenshotTour "$@"
