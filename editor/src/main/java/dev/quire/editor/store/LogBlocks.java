package dev.quire.editor.store;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A document's canonical log in the profile, as blocks: consecutive revisions of one batch share a
 * row of {@code log_blocks}, with the batch's author, client, sequence number and time once and the
 * operations one ot.js JSON text per line (JSON never holds a raw line break). A catch-up page or
 * an acknowledged batch of 1,000 revisions is then one or a few rows instead of 1,000 (ADR 7,
 * {@code docs/adr/0007-log-blocks.md}). The store's thread only, on a connection the caller owns.
 */
final class LogBlocks {
  /** The most revisions in one block: a range read looks this far back for the first block. */
  static final int BLOCK_OPS = 1000;

  /** A block takes no more revisions once its JSON reaches this many characters. */
  static final int BLOCK_CHARS = 256 * 1024;

  private LogBlocks() {}

  /** One row: revisions {@code first .. first + count - 1} of one batch. */
  private record Block(
      long first,
      int count,
      long baseRevision,
      long batchFirst,
      String author,
      String clientId,
      long batchSeq,
      long createdAt,
      long madeAt,
      String operations,
      String originals,
      @Nullable String notes) {}

  // ---- writing ----

  /** Appends revisions, in order, as blocks. */
  static void insert(Connection c, String doc, List<Revision> revisions) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO log_blocks (doc_id, first_revision, op_count, base_revision,"
                + " batch_first, author, client_id, batch_seq, created_at, operations, originals,"
                + " made_at, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int i = 0;
      while (i < revisions.size()) {
        Revision head = revisions.get(i);
        StringBuilder ops = new StringBuilder();
        StringBuilder originals = new StringBuilder();
        boolean anyOriginal = false;
        List<Note> notes = List.of(); // a batch's notes are on its last revision: a block's last
        int n = 0;
        while (i < revisions.size()
            && n < BLOCK_OPS
            && ops.length() + originals.length() < BLOCK_CHARS
            && sameBlock(head, n, revisions.get(i))) {
          Revision r = revisions.get(i);
          notes = r.notes();
          if (n > 0) {
            ops.append('\n');
            originals.append('\n');
          }
          ops.append(OperationCodec.toJson(r.operation()));
          if (!r.original().equals(r.operation())) {
            originals.append(OperationCodec.toJson(r.original()));
            anyOriginal = true;
          }
          n++;
          i++;
        }
        s.setString(1, doc);
        s.setLong(2, head.revision());
        s.setInt(3, n);
        s.setLong(4, head.baseRevision());
        s.setLong(5, head.batchFirst());
        s.setString(6, head.author());
        s.setString(7, head.clientId());
        s.setLong(8, head.batchSeq());
        s.setLong(9, head.timestampMillis());
        s.setString(10, ops.toString());
        if (anyOriginal) {
          s.setString(11, originals.toString()); // an empty line: sent as it is in the log
        } else {
          s.setNull(11, Types.VARCHAR);
        }
        s.setLong(12, head.madeAtMillis());
        s.setString(13, notes.isEmpty() ? null : NoteCodec.toJson(notes));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** True when {@code r} is the next revision of the batch whose block starts at {@code head}. */
  private static boolean sameBlock(Revision head, int n, Revision r) {
    return r.revision() == head.revision() + n
        && r.batchFirst() == head.batchFirst()
        && r.baseRevision() == head.baseRevision()
        && r.batchSeq() == head.batchSeq()
        && r.timestampMillis() == head.timestampMillis()
        && r.madeAtMillis() == head.madeAtMillis()
        && r.author().equals(head.author())
        && r.clientId().equals(head.clientId());
  }

  // ---- reading ----

  /** Revisions {@code from..to} (inclusive, clipped to the log), in order. */
  static List<Revision> revisions(Connection c, String doc, long from, long to)
      throws SQLException {
    List<Revision> out = new ArrayList<>(capacity(from, to));
    for (Block b : blocks(c, doc, from, to, true)) {
      String[] ops = lines(doc, b, b.operations());
      String @Nullable [] originals = b.originals() == null ? null : lines(doc, b, b.originals());
      for (int k = start(b, from); k < end(b, to); k++) {
        TextOperation op = OperationCodec.fromJson(ops[k]);
        String original = originals == null ? "" : originals[k]; // empty: as sent
        out.add(
            new Revision(
                b.first() + k,
                b.baseRevision(),
                b.batchFirst(),
                b.author(),
                b.clientId(),
                b.batchSeq(),
                b.createdAt(),
                b.madeAt(),
                op,
                original.isEmpty() ? op : OperationCodec.fromJson(original),
                k == b.count() - 1 && b.notes() != null
                    ? NoteCodec.fromJson(b.notes(), "log_blocks.notes")
                    : List.of()));
      }
    }
    return out;
  }

  /** The base revision of the earliest batch that carries notes, if any. */
  static java.util.OptionalLong firstNotesBase(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT MIN(base_revision) FROM log_blocks WHERE doc_id = ? AND notes IS NOT NULL")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long base = rs.getLong(1);
        return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(base);
      }
    }
  }

  /** The lowest base revision of the batches with notes after revision {@code after}, if any. */
  static java.util.OptionalLong firstNotesBaseAfter(Connection c, String doc, long after)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT MIN(base_revision) FROM log_blocks"
                + " WHERE doc_id = ? AND notes IS NOT NULL AND first_revision > ?")) {
      s.setString(1, doc);
      s.setLong(2, after);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long base = rs.getLong(1);
        return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(base);
      }
    }
  }

  /** Canonical operations {@code from..to} (inclusive, clipped to the log), in order. */
  static List<TextOperation> operations(Connection c, String doc, long from, long to)
      throws SQLException {
    List<TextOperation> out = new ArrayList<>(capacity(from, to));
    for (Block b : blocks(c, doc, from, to, false)) {
      String[] ops = lines(doc, b, b.operations());
      for (int k = start(b, from); k < end(b, to); k++) {
        out.add(OperationCodec.fromJson(ops[k]));
      }
    }
    return out;
  }

  /** The document's length in code points after {@code revision} (0 at revision 0). */
  static int lengthAt(Connection c, String doc, long revision) throws SQLException {
    if (revision == 0) {
      return 0;
    }
    List<TextOperation> op = operations(c, doc, revision, revision);
    if (op.isEmpty()) {
      throw new StoreException("document " + doc + " has no revision " + revision);
    }
    return op.get(0).targetLength();
  }

  private static List<Block> blocks(
      Connection c, String doc, long from, long to, boolean withOriginals) throws SQLException {
    List<Block> out = new ArrayList<>();
    if (to < from) {
      return out;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT first_revision, op_count, base_revision, batch_first, author, client_id,"
                + " batch_seq, created_at, COALESCE(made_at, created_at), operations, "
                + (withOriginals ? "originals, notes" : "NULL, NULL")
                + " FROM log_blocks WHERE doc_id = ? AND first_revision > ?"
                + " AND first_revision <= ? ORDER BY first_revision")) {
      s.setString(1, doc);
      s.setLong(2, from - BLOCK_OPS); // the block holding {@code from} starts at most this far back
      s.setLong(3, to);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Block b =
              new Block(
                  rs.getLong(1),
                  rs.getInt(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getLong(7),
                  rs.getLong(8),
                  rs.getLong(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12));
          if (b.first() + b.count() > from) {
            out.add(b);
          }
        }
      }
    }
    return out;
  }

  private static String[] lines(String doc, Block b, String text) {
    String[] out = text.split("\n", -1);
    if (out.length != b.count()) {
      throw new StoreException(
          "document "
              + doc
              + ": the log block at revision "
              + b.first()
              + " has "
              + out.length
              + " lines for "
              + b.count()
              + " revisions");
    }
    return out;
  }

  private static int start(Block b, long from) {
    return (int) Math.max(0, from - b.first());
  }

  private static int end(Block b, long to) {
    return (int) Math.min(b.count(), to - b.first() + 1);
  }

  private static int capacity(long from, long to) {
    return (int) Math.max(0, Math.min(to - from + 1, 100_000));
  }
}
