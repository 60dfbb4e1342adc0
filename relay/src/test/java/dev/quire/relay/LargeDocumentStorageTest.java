package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.sync.Batch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a relay with its default settings keeps on disk for a document of a few megabytes: an import
 * in message-sized batches, then thousands of small edits. Its bytes stay within a small factor of
 * what it holds, the text plus its operations: the operations once (canonical ones equal to those
 * sent are not stored again) and checkpoints only once the operations since amount to a good share
 * of the text.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LargeDocumentStorageTest {
  private static final int TEXT_CHARS = 4 << 20;
  private static final int REVISION_CHARS = 16 << 10;
  private static final int REVISIONS_PER_BATCH = 8;
  private static final int EDITS = 3_000;
  private static final int EDITS_PER_BATCH = 10;

  /** Rows: operations, canonical operations and checkpoints, over the text plus the operations. */
  static final double MAX_ROWS_FACTOR = 1.5;

  /**
   * The H2 file after a clean stop, over the same: with free space (which varies with when H2 last
   * reused it) and indexes.
   */
  static final double MAX_FILE_FACTOR = 3.0;

  @TempDir Path dir;

  @Test
  void aFewMegabytesImportedThenEdited_takeASmallFactorOfTheTextPlusOperations() throws Exception {
    Random random = new Random(13);
    long operationChars = 0;
    int length = 0;
    long seq = 0;
    long head = 0;
    try (Relay relay =
        RelayFixture.start(
            dir, b -> b.limits(RelayConfig.DEFAULT_LIMITS).checkpointInterval(1000))) {
      String token = relay.store().users().add("zoe");
      TestClient zoe = TestClient.login(relay.port(), token, "zoe-desk");
      try {
        RelayFixture.create(zoe, "big");
        while (length < TEXT_CHARS) { // the import
          List<TextOperation> ops = new ArrayList<>();
          for (int i = 0; i < REVISIONS_PER_BATCH && length < TEXT_CHARS; i++) {
            TextOperation.Builder op = TextOperation.builder();
            if (length > 0) {
              op.retain(length);
            }
            ops.add(op.insert(chunk(random, REVISION_CHARS)).build());
            length += REVISION_CHARS;
          }
          operationChars += submit(zoe, ++seq, head, ops);
          head += ops.size();
        }
        for (int e = 0; e < EDITS; e += EDITS_PER_BATCH) { // typing here and there
          List<TextOperation> ops = new ArrayList<>();
          for (int i = 0; i < EDITS_PER_BATCH; i++) {
            int at = random.nextInt(length + 1);
            TextOperation.Builder op = TextOperation.builder();
            if (at > 0) {
              op.retain(at);
            }
            op.insert(chunk(random, 1));
            if (at < length) {
              op.retain(length - at);
            }
            ops.add(op.build());
            length++;
          }
          operationChars += submit(zoe, ++seq, head, ops);
          head += ops.size();
        }
      } finally {
        zoe.close();
      }
      assertThat(RelayFixture.storedText(relay, "big")).hasSize(length);
    }
    // Measured in the data directory after a clean stop, the rows as docs/relay.md shows with H2's
    // shell.
    Path data = dir.resolve("data");
    long held = length + operationChars;
    long file = Files.size(data.resolve("relay.mv.db"));
    System.out.printf("relay.mv.db %,d bytes (%.2fx)%n", file, (double) file / held);
    assertThat((double) file / held)
        .as("the H2 file over the text plus its operations")
        .isLessThanOrEqualTo(MAX_FILE_FACTOR);
    long rows;
    try (Connection c =
            DriverManager.getConnection("jdbc:h2:file:" + data.resolve("relay"), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT SUM(LENGTH(operations)) + COALESCE(SUM(LENGTH(canonical)), 0)"
                    + " FROM batches WHERE doc_id = 'big'),"
                    + " (SELECT COALESCE(SUM(LENGTH(text)), 0) FROM checkpoints"
                    + " WHERE doc_id = 'big')")) {
      rs.next();
      rows = rs.getLong(1) + rs.getLong(2);
      System.out.printf(
          "text %,d, operations %,d; stored: batches %,d, checkpoints %,d (%.2fx)%n",
          length, operationChars, rs.getLong(1), rs.getLong(2), (double) rows / held);
    }
    assertThat((double) rows / held)
        .as("operations, canonical operations and checkpoints over the text plus its operations")
        .isLessThanOrEqualTo(MAX_ROWS_FACTOR);
  }

  /** Submits a batch of {@code ops} based on {@code base}; returns their length as JSON text. */
  private static long submit(TestClient c, long seq, long base, List<TextOperation> ops)
      throws InterruptedException {
    c.send(
        new ClientMessage.Submit(
            "big", WireBatch.of(new Batch("zoe-desk", seq, base, ops), 1_000L)));
    c.expectAck();
    long chars = 0;
    for (TextOperation op : ops) {
      chars += OperationCodec.toJson(op).length();
    }
    return chars;
  }

  /** Letters and spaces, {@code n} of them. */
  private static String chunk(Random random, int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(27);
      out[i] = k == 26 ? ' ' : (char) ('a' + k);
    }
    return new String(out);
  }
}
