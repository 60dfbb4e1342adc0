package dev.quire.editor.ui;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A document of MB mebibytes of UTF-8 text through real editor windows ({@link LargeDocumentFlow})
 * and a relay given as arguments, printing each step's wall-clock time, then this JVM's peak heap
 * in use and the process's peak resident memory. Run: {@code bench/editor-large-document.sh [MB]},
 * which starts the relay as a process of its own, so that the figures are the editor's alone.
 */
public final class LargeDocumentBenchmark {
  private LargeDocumentBenchmark() {}

  /** Arguments: MB, the relay's address, a user's token there. */
  public static void main(String[] args) throws Exception {
    Gui.requireDisplay();
    long mb = Long.parseLong(args[0]);
    URI relay = URI.create(args[1]);
    String token = args[2];
    AtomicLong peakHeap = new AtomicLong();
    AtomicLong peakLive = new AtomicLong();
    watchHeap(peakHeap, peakLive);
    String text = LargeDocumentFlow.text(mb << 20);
    System.out.printf(
        "%d MiB: %,d bytes of UTF-8, %,d chars; java %s, max heap %d MiB, %d cores%n%n",
        mb,
        text.getBytes(StandardCharsets.UTF_8).length,
        text.length(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    System.out.println("| step | time |");
    System.out.println("|---|---|");
    Path dir = Files.createTempDirectory("quire-large-document-");
    try {
      new LargeDocumentFlow(
              dir,
              relay,
              token,
              java.time.Duration.ofMinutes(20),
              (step, took) -> System.out.printf("| %s | %.1f s |%n", step, took.toMillis() / 1e3))
          .run(text);
      System.out.println();
      System.out.println("byte-exact: yes (B's window, A's export)");
    } finally {
      deleteTree(dir);
    }
    long heapNow = heapUsed();
    System.out.printf(
        "heap in use: at most %d MiB (just before a collection), at most %d MiB left (just after"
            + " one); peak resident memory (VmHWM) %s%n",
        Math.max(peakHeap.get(), heapNow) >> 20, peakLive.get() >> 20, peakResident());
    System.exit(0);
  }

  /**
   * Keeps the most heap in use, as each collection finds it before collecting ({@code peak}: the
   * heap in use only falls at a collection, so its peaks are the figures taken just before them),
   * and the most left after one ({@code live}: what the program held, whatever the collector let
   * pile up before collecting).
   */
  private static void watchHeap(AtomicLong peak, AtomicLong live) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                var info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                        .getGcInfo();
                peak.accumulateAndGet(heapOf(info.getMemoryUsageBeforeGc()), Math::max);
                live.accumulateAndGet(heapOf(info.getMemoryUsageAfterGc()), Math::max);
              },
              null,
              null);
    }
  }

  private static long heapOf(Map<String, MemoryUsage> pools) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .map(p -> pools.get(p.getName()))
        .filter(u -> u != null)
        .mapToLong(MemoryUsage::getUsed)
        .sum();
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The process's peak resident set size from /proc (Linux), or "unknown". */
  private static String peakResident() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return "unknown";
    }
    try (Stream<String> lines = Files.lines(status)) {
      return lines
          .filter(l -> l.startsWith("VmHWM:"))
          .map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 10) + " MiB")
          .findFirst()
          .orElse("unknown");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
