#!/usr/bin/env bash
# Runs the JMH benchmarks of ot-engine (ot-engine/src/test/java/dev/quire/ot/bench/).
# All arguments go to JMH (org.openjdk.jmh.Main), from any directory:
#   bench/run-jmh.sh -l                           list the benchmarks
#   bench/run-jmh.sh -f 1 -wi 2 -i 3 Compose      run those matching "Compose", briefly
#   bench/run-jmh.sh -h                           JMH's own help
# Extra JVM options for the JMH driver: JMH_JAVA_OPTS (forked runs take -jvmArgs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
engine="$root/ot-engine"
cp_file="$engine/target/jmh.classpath"

# Compile main + test sources (the JMH annotation processor runs on test-compile and writes
# target/test-classes/META-INF/BenchmarkList), then write the test-scope classpath.
echo "building ot-engine benchmarks..." >&2
mvn -B -q -f "$root/pom.xml" -pl ot-engine -Dspotless.check.skip=true \
  test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2

if [[ ! -f "$engine/target/test-classes/META-INF/BenchmarkList" ]]; then
  echo "no JMH benchmarks found: add @Benchmark classes under ot-engine/src/test/java/dev/quire/ot/bench/" >&2
  exit 1
fi

java=java
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; fi

# Run from a private copy of the classes, so a build started meanwhile (which rewrites
# target/classes and target/test-classes) cannot pull them from under a running benchmark.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/quire-jmh.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$engine/target/classes" "$snapshot/classes"
cp -r "$engine/target/test-classes" "$snapshot/test-classes"

# quire.traces: the benchmarks read traces/ from any directory (forked runs inherit the option).
# shellcheck disable=SC2086  # JMH_JAVA_OPTS is a list of options
"$java" ${JMH_JAVA_OPTS:-} -Dquire.traces="$root/traces" \
  -cp "$snapshot/test-classes:$snapshot/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main "$@"
