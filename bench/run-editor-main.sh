#!/usr/bin/env bash
# Runs a main class from the editor's test classes in real windows (bench/editor-latency.sh,
# bench/screenshots.sh):  bench/run-editor-main.sh CLASS [ARGS...]
# Needs a display; without one it runs itself under xvfb-run. Extra JVM options: BENCH_JAVA_OPTS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$0" "$@"
fi
main_class="$1"
shift
cp_file="$root/editor/target/bench.classpath"

echo "building the editor and its tests..." >&2
mvn -B -q -f "$root/pom.xml" -pl editor -am -Dspotless.check.skip=true -DskipTests \
  test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2

java=java
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; fi

# Run from a private copy of the classes, so a build started meanwhile cannot pull them away.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/quire-editor-bench.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
for m in ot-engine relay editor; do
  cp -r "$root/$m/target/classes" "$snapshot/$m-classes"
done
cp -r "$root/relay/target/test-classes" "$snapshot/relay-test-classes"
cp -r "$root/editor/target/test-classes" "$snapshot/editor-test-classes"

cd "$root" # paths given relative to the project (docs/screenshots)
"$java" -Xmx2g ${BENCH_JAVA_OPTS:-} \
  -cp "$snapshot/editor-test-classes:$snapshot/editor-classes:$snapshot/relay-classes:$snapshot/ot-engine-classes:$(cat "$cp_file")" \
  "$main_class" "$@"
