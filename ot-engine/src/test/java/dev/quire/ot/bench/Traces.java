package dev.quire.ot.bench;

import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared editing traces, which live beside the project in {@code ../shared/traces}. */
public final class Traces {
  private Traces() {}

  /** The traces folder: {@code -Dquire.traces=DIR}, else the first {@code shared/traces} above. */
  public static Path folder() {
    String configured = System.getProperty("quire.traces");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("traces");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/traces folder found; pass -Dquire.traces=DIR");
  }

  public static Trace read(String name) {
    try {
      return TraceReader.read(folder().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
