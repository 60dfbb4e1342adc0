package dev.quire.editor.history;

import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small histories for tests: three authors typing text with astral and control characters. */
final class HistoryFixtures {
  static final long EPOCH = 1_790_000_000_000L;
  private static final String[] WORDS = {"a", "b\u000b", "\ud83d\ude00", "\"q\\", "e\u0301", "\n"};

  private HistoryFixtures() {}

  /** {@code n} revisions in batches of up to three, from three authors. */
  static List<RevisionRecord> revisions(int n) {
    List<RevisionRecord> out = new ArrayList<>();
    GapBuffer text = new GapBuffer("");
    long batchFirst = 1;
    for (int r = 1; r <= n; r++) {
      if ((r - 1) % 3 == 0) {
        batchFirst = r;
      }
      int author = (int) ((batchFirst / 3) % 3);
      TextOperation op;
      if (r % 7 == 0 && text.length() > 2) {
        op = TextOperation.splice(text.length(), 1, 1, "");
      } else {
        op = TextOperation.splice(text.length(), text.length() / 2, 0, WORDS[r % WORDS.length]);
      }
      text.apply(op);
      out.add(
          new RevisionRecord(
              r,
              batchFirst - 1,
              batchFirst,
              new String[] {"alice", "bob", "chlo\u00e9"}[author],
              "c-" + author,
              batchFirst,
              EPOCH + r * 1000,
              EPOCH + r * 1000 - 60_000 * author, // made offline, minutes before it was sent
              op));
    }
    return out;
  }

  static String write(List<RevisionRecord> revisions, int checkpointEvery, Signatures.Signer s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HistoryWriter w =
        new HistoryWriter(
            bytes,
            new HistoryRecord.Header("d-1", "Notes", EPOCH, EPOCH + 10_000_000, checkpointEvery),
            s);
    revisions.forEach(w::revision);
    w.finish();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Recomputes every hash and prev of a file (as a forger would), keeping everything else. */
  static String rechain(String file) throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    StringBuilder out = new StringBuilder();
    String prev = null;
    for (String line : file.split("\n")) {
      var o = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(line);
      o.remove("hash");
      o.remove("signatures");
      if (prev != null) {
        o.put("prev", prev);
      }
      StringBuilder c = new StringBuilder();
      dev.quire.ot.codec.CanonicalJson.append(c, o);
      prev = HistoryFormat.sha256(c.toString());
      o.put("hash", prev);
      out.append(o).append('\n');
    }
    return out.toString();
  }
}
