package dev.quire.relay.load;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU time of the relay process, read before and after a measured interval, so that each
 * scenario can say what the relay spent per operation (the generator's own CPU is not in it).
 * Unknown when the relay runs elsewhere and its process id was not given.
 */
final class RelayCpu {
  private final ProcessHandle relay; // null: unknown

  private RelayCpu(ProcessHandle relay) {
    this.relay = relay;
  }

  /** The relay process {@code pid}, or an unknown relay for a negative one. */
  static RelayCpu of(long pid) {
    if (pid < 0) {
      return new RelayCpu(null);
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty()) {
      throw new IllegalArgumentException("no process " + pid);
    }
    return new RelayCpu(p.get());
  }

  /** A reading to compare with a later one. */
  Reading read() {
    long cpu =
        relay == null ? -1 : relay.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    return new Reading(cpu, System.nanoTime());
  }

  /** The relay's CPU time (-1: unknown) at a moment of the generator's clock. */
  record Reading(long cpuNanos, long wallNanos) {
    /**
     * One line: the relay's CPU-seconds per 1,000 {@code what} from this reading to {@code end} in
     * {@code scenario}, and the cores it used meanwhile.
     */
    String per1000(String scenario, Reading end, long operations, String what) {
      if (cpuNanos < 0 || end.cpuNanos < 0) {
        return "relay CPU in " + scenario + ": unknown (give --relay-pid)";
      }
      double cpu = (end.cpuNanos - cpuNanos) / 1e9;
      double wall = (end.wallNanos - wallNanos) / 1e9;
      return String.format(
          Locale.ROOT,
          "relay CPU in %s: %.3f s per 1,000 %s (%.2f CPU-s in %.2f s = %.2f cores, %d %s)",
          scenario,
          operations > 0 ? cpu * 1000 / operations : Double.NaN,
          what,
          cpu,
          wall,
          wall > 0 ? cpu / wall : Double.NaN,
          operations,
          what);
    }
  }
}
