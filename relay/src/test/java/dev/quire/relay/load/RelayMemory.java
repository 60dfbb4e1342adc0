package dev.quire.relay.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of a relay process on this machine: its resident set (VmRSS in /proc/PID/status) and
 * its Java heap in use, both read after a full collection (asked for with {@code jcmd}) so that
 * garbage does not count.
 */
final class RelayMemory {
  // "garbage-first heap   total 65536K, used 12345K [...": one line per heap or generation.
  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private final long pid;

  RelayMemory(long pid) {
    this.pid = pid;
  }

  /** The resident set and heap in use (-1: unknown), in KiB. */
  record Reading(long rssKiB, long heapKiB) {}

  /** Collects garbage in the relay, then reads its memory. */
  Reading read() throws IOException, InterruptedException {
    jcmd("GC.run");
    String heapInfo = jcmd("GC.heap_info");
    long heap = -1;
    if (heapInfo != null) {
      Matcher m = USED.matcher(heapInfo);
      while (m.find()) {
        heap = Math.max(heap, 0) + Long.parseLong(m.group(1));
      }
    }
    return new Reading(rss(), heap);
  }

  private long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** The output of {@code jcmd PID command}, or null when it fails. */
  private String jcmd(String command) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      return null;
    }
    return out;
  }
}
