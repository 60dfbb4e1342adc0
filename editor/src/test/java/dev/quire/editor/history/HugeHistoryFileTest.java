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
    return hugeFile("huge.history", 1000);
  }

  private Path hugeFile(String name, int checkpointEvery) throws Exception {
    Path file = dir.resolve(name);
    String block = "0123456789".repeat(100_000);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      HistoryWriter w =
          new HistoryWriter(
              out, new HistoryRecord.Header("huge", "Huge", 1, 2, checkpointEvery), null);
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
    return quireInSmallHeap("verify", file.toString());
  }

  /** {@code quire ARGS} in a child JVM with a 64 MiB heap. */
  private static Process quireInSmallHeap(String... args) throws Exception {
    return quireIn("64m", args);
  }

  /** {@code quire ARGS} in a child JVM with a heap of at most {@code heap} ({@code -Xmx}). */
  private static Process quireIn(String heap, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.quire.editor.cli.QuireCli"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static String outputOf(Process p) throws Exception {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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

  /**
   * Import holds the revisions between two checkpoints, no more: the 100 MB history with a
   * checkpoint every 4 revisions arrives whole in a 64 MiB heap; a truncated copy changes nothing,
   * or with --force leaves exactly its verified prefix; and a file with more between two
   * checkpoints than import may hold is refused, naming the revision, instead of running out of
   * memory.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aFileMuchLargerThanTheHeap_importsStreaming_andATruncatedOneChangesNothing()
      throws Exception {
    Path file = hugeFile("dense.history", 4);
    String profile = dir.resolve("profile").toString();
    Process p = quireInSmallHeap("import", "--profile", profile, file.toString(), "--history");
    String output = outputOf(p);
    assertThat(p.waitFor()).as(output).isZero();
    String id = output.strip();
    assertThat(docs(profile)).startsWith(id + "\t").contains("\t200\t");

    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2 + 500_000); // in the middle of revision 101
    }
    // Taking back the verified revisions already written deletes a document of 100 MB of history,
    // a few megabytes per commit: in the same 64 MiB heap.
    String other = dir.resolve("other").toString();
    p = quireInSmallHeap("import", "--profile", other, file.toString(), "--history", "--id", "x");
    output = outputOf(p);
    assertThat(p.waitFor()).as(output).isEqualTo(1);
    assertThat(output).contains("the file is truncated").contains("nothing was imported");
    assertThat(docs(other)).as("no document left behind").isEmpty();
    p =
        quireInSmallHeap(
            "import", "--profile", other, file.toString(), "--history", "--force", "--id", "x");
    output = outputOf(p);
    assertThat(p.waitFor()).as(output).isZero();
    assertThat(output).contains("imported revisions 1..100, the verified prefix");
    assertThat(docs(other)).startsWith("x\t").contains("\t100\t");

    // A checkpoint every 1000 revisions: the 200 revisions of a million characters each would all
    // wait in memory for the end.
    Path sparse = hugeFile("sparse.history", 1000);
    String third = dir.resolve("third").toString();
    p = quireInSmallHeap("import", "--profile", third, sparse.toString(), "--history");
    output = outputOf(p);
    assertThat(p.waitFor()).as(output).isEqualTo(1);
    assertThat(output)
        .containsPattern("revision \\d+: the revisions since the last checkpoint hold more than")
        .contains("nothing was imported")
        .doesNotContain("OutOfMemoryError");
    assertThat(docs(third)).isEmpty();
  }

  private static String docs(String profile) throws Exception {
    Process p = quireInSmallHeap("docs", "--profile", profile);
    String output = outputOf(p);
    assertThat(p.waitFor()).as(output).isZero();
    return output;
  }
}
