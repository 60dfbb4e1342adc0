package dev.quire.editor.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;

/**
 * Where a start-up's time goes: {@code quire demo --timings} prints each phase as it ends, in
 * milliseconds since the launch (the launcher's {@code QUIRE_LAUNCH_MILLIS}, when it set one) or
 * since the JVM started. Thread-safe: phases end on several threads.
 */
final class StartupClock {
  private final long origin;
  private final PrintWriter err; // null: silent

  StartupClock(PrintWriter err) {
    this.err = err;
    long jvm = ManagementFactory.getRuntimeMXBean().getStartTime();
    this.origin = launchMillis(jvm);
    if (err != null) {
      if (origin != jvm) {
        print(jvm - origin, "JVM started");
      }
      mark("main entered");
    }
  }

  /** The launcher's launch time when it gave one that makes sense, else {@code jvm}. */
  private static long launchMillis(long jvm) {
    String launched = System.getenv("QUIRE_LAUNCH_MILLIS");
    if (launched != null && launched.matches("\\d{1,15}")) {
      long l = Long.parseLong(launched);
      if (l <= jvm && jvm - l < 600_000) {
        return l;
      }
    }
    return jvm;
  }

  /** Milliseconds since the launch (or the JVM's start). */
  long elapsed() {
    return System.currentTimeMillis() - origin;
  }

  /** Records that {@code phase} has just ended. */
  void mark(String phase) {
    if (err != null) {
      print(elapsed(), phase);
    }
  }

  private synchronized void print(long millis, String phase) {
    err.printf("quire demo: %6d ms  %s%n", millis, phase);
    err.flush();
  }
}
