package dev.quire.editor.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import dev.quire.ot.operation.TextOperation;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history file far larger than the heap of the JVM that verifies it: {@code quire verify} runs in
 * a child JVM with a 64 MiB heap on a file of about 100 MB, so it passes only if it streams.
 */
class HugeHistoryFileTest {
  private static final int MEGA_INSERTS = 100;
  @TempDir Path dir;

  /** Revisions inserting a million characters each and deleting them again: 100 MB of records. */
  private Path hugeFile() throws Exception {
    Path file = dir.resolve("huge.history");
    String block = "0123456789".repeat(100_000);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      HistoryWriter w =
          new HistoryWriter(out, new HistoryRecord.Header("huge", "Huge", 1, 2, 1000), null);
      long r = 0;
      for (int i = 0; i < MEGA_INSERTS; i++) {
        r++;
        w.revision(
            new RevisionRecord(
                r, r - 1, r, "a", "c", r, r, TextOperation.builder().insert(block).build()));
        r++;
        w.revision(
            new RevisionRecord(
                r,
                r - 1,
                r,
                "a",
                "c",
                r,
                r,
                TextOperation.builder().delete(block.length()).build()));
      }
      w.finish();
    }
    assertThat(Files.size(file)).isGreaterThan(100_000_000L);
    return file;
  }

  private static Process verifyInSmallHeap(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.quire.editor.cli.QuireCli",
                "verify",
                file.toString()))
        .redirectErrorStream(true)
        .start();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aFileMuchLargerThanTheHeap_verifiesStreaming_andATruncatedOneIsNamed() throws Exception {
    Path file = hugeFile();
    Process p = verifyInSmallHeap(file);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    assertThat(output).contains("verified: document huge \"Huge\", revisions 1..200");

    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2); // in the middle of a million-character record
    }
    p = verifyInSmallHeap(file);
    output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isEqualTo(1);
    assertThat(output).contains("the file is truncated").contains("first bad revision: ");
  }
}
