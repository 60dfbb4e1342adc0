#!/usr/bin/env bash
# Load generator for the relay (relay/src/test/java/dev/quire/relay/load/LoadGenerator.java).
# Builds what it needs, then runs it from any directory; all arguments go to the generator:
#   bench/relay-load.sh                          every scenario but idle against a relay process
#                                                it starts
#   bench/relay-load.sh --scenario latency       one of latency|throughput|hot|catchup|wake|idle
#   bench/relay-load.sh --help                   options (--seconds, --docs, --authors, --url ...)
#   bench/relay-load.sh --relays 1 --scenario throughput
#                                                one relay on PostgreSQL (an embedded server it
#                                                starts), 100 documents x 2 writers; prints the
#                                                database server's CPU per 1,000 operations too
#   bench/relay-load.sh --relays 2 --scenario hot
#                                                two relays on one PostgreSQL, 300 authors split
#                                                over them: submit until every author has it
#   bench/relay-load.sh --scenario idle --idle 10000
#                                                10,000 connections that say hello and sit idle on
#                                                a fresh relay: its memory per connection (RSS and
#                                                heap after a full GC, via jcmd), then one client's
#                                                submit -> ack p50/p99 while they sit there. Run
#                                                only when named (not part of the default run).
#                                                Each idle connection is a file descriptor in the
#                                                generator and in the relay: the script raises the
#                                                open-files limit to the hard limit, which the
#                                                relay process inherits.
# It starts its own relay (java -cp the test class path, free port on 127.0.0.1, data in a
# temporary directory it deletes afterwards) unless given --url ws://127.0.0.1:PORT/ --token T.
# Extra JVM options for the generator: LOAD_JAVA_OPTS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
relay="$root/relay"
cp_file="$relay/target/load.classpath"

echo "building relay and its tests..." >&2
mvn -B -q -f "$root/pom.xml" -pl relay -am -Dspotless.check.skip=true -DskipTests \
  test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2

java=java
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; fi

# Run from a private copy of the classes, so a build started meanwhile cannot pull them away.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/quire-relay-load.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$relay/target/classes" "$snapshot/classes"
cp -r "$relay/target/test-classes" "$snapshot/test-classes"
cp -r "$root/ot-engine/target/classes" "$snapshot/engine-classes"

cd "$root" # the generator finds traces/ from here
# The idle scenario holds one socket per idle connection in this process and in the relay it starts.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck disable=SC2086  # LOAD_JAVA_OPTS is a list of options
"$java" -Xmx3g ${LOAD_JAVA_OPTS:-} \
  -cp "$snapshot/test-classes:$snapshot/classes:$snapshot/engine-classes:$(cat "$cp_file")" \
  dev.quire.relay.load.LoadGenerator --trace "$root/traces/automerge-paper.json.gz" "$@"
