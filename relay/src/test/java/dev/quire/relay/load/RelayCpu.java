package dev.quire.relay.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU time of the relay process, read before and after a measured interval, so that each
 * scenario can say what the relay spent per operation (the generator's own CPU is not in it).
 * Unknown when the relay runs elsewhere and its process id was not given. Also reads a local
 * PostgreSQL server's CPU time ({@link #ofDatabase}), so that the PostgreSQL mode says what the
 * database spent per operation too, and the generator's own ({@link #ofGenerator}), so that the
 * throughput scenario shows how much of the shared cores the generator took.
 */
final class RelayCpu {
  // Linux reports CPU times in /proc in clock ticks of this many per second (USER_HZ).
  private static final long TICKS_PER_SECOND = 100;
  private final ProcessHandle relay; // null: unknown
  private final String label;
  private final boolean tree; // the process, its children and the children it reaped

  private RelayCpu(ProcessHandle relay, String label, boolean tree) {
    this.relay = relay;
    this.label = label;
    this.tree = tree;
  }

  private RelayCpu(ProcessHandle relay) {
    this(relay, "relay", false);
  }

  /**
   * The PostgreSQL server whose postmaster is {@code postmaster}: its own CPU time, its live
   * backends' and the backends' that ended (read from {@code /proc}; unknown elsewhere than Linux).
   */
  static RelayCpu ofDatabase(ProcessHandle postmaster) {
    return new RelayCpu(postmaster, "database", true);
  }

  /**
   * This process, the load generator: its CPU time competes with the relay's for the same cores, so
   * a lighter generator leaves more of them to the relay.
   */
  static RelayCpu ofGenerator() {
    return new RelayCpu(ProcessHandle.current(), "generator", false);
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
    long cpu;
    if (relay == null) {
      cpu = -1;
    } else if (tree) {
      cpu = treeCpuNanos(relay);
    } else {
      cpu = relay.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
    long jit = relay == null || tree ? -1 : compilerCpuNanos(relay.pid());
    return new Reading(label, cpu, jit, System.nanoTime());
  }

  /**
   * The CPU time of the process's JIT compiler threads (HotSpot names them "C1 CompilerThread" and
   * "C2 CompilerThread"), or -1 when it cannot be read (not Linux). A fresh relay compiles its hot
   * code while it serves: on two cores under full load that takes its first half minute or so, and
   * that CPU is in the relay's figure. A compiler thread that HotSpot ends when idle takes its time
   * with it, which can only make the share read lower.
   */
  private static long compilerCpuNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          if (Files.readString(t.resolve("comm")).contains("CompilerThre")) {
            String stat = Files.readString(t.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (IOException e) { // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) { // ended, or not Linux
      return -1;
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private static long treeCpuNanos(ProcessHandle root) {
    long[] own = ticks(root.pid());
    if (own.length == 0) {
      return -1;
    }
    long ticks = own[0] + own[1] + own[2] + own[3]; // with the children it reaped
    for (ProcessHandle child : root.children().toList()) {
      long[] t = ticks(child.pid());
      if (t.length > 0) {
        ticks += t[0] + t[1];
      }
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** utime, stime, cutime and cstime of {@code pid}, or none when it cannot be read. */
  private static long[] ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name in parentheses, which may hold spaces: state is field 3.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {
        Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
      };
    } catch (IOException | RuntimeException e) { // ended meanwhile, or not Linux
      return new long[0];
    }
  }

  /**
   * The relay's (or database's) CPU time and its JIT compiler threads' share of it (-1: unknown) at
   * a moment of the generator's clock.
   */
  record Reading(String label, long cpuNanos, long jitNanos, long wallNanos) {
    /**
     * One line: the relay's CPU-seconds per 1,000 {@code what} from this reading to {@code end} in
     * {@code scenario}, and the cores it used meanwhile.
     */
    String per1000(String scenario, Reading end, long operations, String what) {
      if (cpuNanos < 0 || end.cpuNanos < 0) {
        return label + " CPU in " + scenario + ": unknown (give --relay-pid)";
      }
      double cpu = (end.cpuNanos - cpuNanos) / 1e9;
      double wall = (end.wallNanos - wallNanos) / 1e9;
      String jit =
          jitNanos < 0 || end.jitNanos < 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; its JIT compiler %.2f CPU-s of them, %.3f s per 1,000 without it",
                  (end.jitNanos - jitNanos) / 1e9,
                  operations > 0
                      ? (cpu - (end.jitNanos - jitNanos) / 1e9) * 1000 / operations
                      : Double.NaN);
      return String.format(
          Locale.ROOT,
          "%s CPU in %s: %.3f s per 1,000 %s (%.2f CPU-s in %.2f s = %.2f cores, %d %s%s)",
          label,
          scenario,
          operations > 0 ? cpu * 1000 / operations : Double.NaN,
          what,
          cpu,
          wall,
          wall > 0 ? cpu / wall : Double.NaN,
          operations,
          what,
          jit);
    }
  }
}
