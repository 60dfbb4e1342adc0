package dev.quire.ot.bench;

import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the editing traces kept in the repository's {@code traces/} folder, for the tests and
 * benchmarks of every module (the other modules use this module's test jar).
 */
public final class Traces {
  private Traces() {}

  /**
   * The traces folder: {@code -Dquire.traces=DIR}, else {@code traces/} in the project root, the
   * nearest folder at or above the working directory holding both {@code traces/} and {@code
   * pom.xml} (tests run in a module's folder, benchmarks in the root or a module).
   */
  public static Path folder() {
    String configured = System.getProperty("quire.traces");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("traces")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir.resolve("traces");
      }
    }
    throw new IllegalStateException(
        "no traces/ folder beside a pom.xml at or above "
            + Path.of("").toAbsolutePath()
            + "; run from inside the project or pass -Dquire.traces=DIR");
  }

  /** The trace file {@code name} in {@link #folder()}; it must exist. */
  public static Path path(String name) {
    Path file = folder().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no trace " + file);
    }
    return file;
  }

  public static Trace read(String name) {
    try {
      return TraceReader.read(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
