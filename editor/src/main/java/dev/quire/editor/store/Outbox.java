package dev.quire.editor.store;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A document's outbox in the profile: the local operations the relay has not acknowledged, in
 * order, each with the time it was made. The store's thread only, on a connection the caller owns.
 *
 * <p>Each local edit appends a row to {@code pending_ops}. When the whole outbox is rewritten
 * (after a rebase past remote revisions) and it is large, it is written as a few blocks of
 * operations in {@code outbox_blocks}, and the rows it replaces are not touched but marked dead:
 * rows numbered below {@code documents.outbox_floor}. The outbox is then the blocks' operations,
 * from operation {@code documents.outbox_skip} of the first block (those before it were
 * acknowledged), followed by the live rows. Dead rows are deleted once the blocks are all
 * acknowledged, a chunk per commit. So rebasing 10,000 offline edits writes ten values instead of
 * updating 10,000 rows (ADR 5, {@code docs/adr/0005-outbox-blocks.md}).
 */
final class Outbox {
  /** A rewritten outbox of at least this many operations is written as blocks. */
  static final int BLOCK_MIN = 256;

  /** The most operations in one block. */
  static final int BLOCK_OPS = 1000;

  /** A block takes no more operations once their JSON reaches this many characters. */
  static final int BLOCK_CHARS = 256 * 1024;

  private Outbox() {}

  /** A pending operation and when it was made. */
  record PendingOp(TextOperation operation, long madeAt) {}

  /** Reserves outbox sequence numbers for new rows. */
  interface Seqs {
    /** The first of {@code n} new sequence numbers (with 0, the next one, reserving nothing). */
    long take(int n) throws SQLException;
  }

  /** Where the outbox starts: live rows are numbered from {@code floor}. */
  private record Marks(long floor, int skip) {}

  /** Counts a document's pending operations: SQL for the list of documents, {@code d} aliased. */
  static final String COUNT_SQL =
      "((SELECT COUNT(*) FROM pending_ops p WHERE p.doc_id = d.id AND p.seq >= d.outbox_floor)"
          + " + (SELECT COALESCE(SUM(b.op_count), 0) FROM outbox_blocks b WHERE b.doc_id = d.id)"
          + " - d.outbox_skip)";

  // ---- reading ----

  /** The whole outbox in order. */
  static List<PendingOp> read(Connection c, String doc) throws SQLException {
    Marks m = marks(c, doc);
    List<PendingOp> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT operations, made_at FROM outbox_blocks WHERE doc_id = ? ORDER BY block_no")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        int skip = m.skip();
        while (rs.next()) {
          List<PendingOp> block = decode(doc, rs.getString(1), rs.getString(2));
          if (skip > block.size()) {
            throw new StoreException(
                "document " + doc + ": outbox skips " + skip + " of a block of " + block.size());
          }
          out.addAll(block.subList(skip, block.size()));
          skip = 0;
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT operation, made_at FROM pending_ops WHERE doc_id = ? AND seq >= ?"
                + " ORDER BY seq")) {
      s.setString(1, doc);
      s.setLong(2, m.floor());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new PendingOp(OperationCodec.fromJson(rs.getString(1)), rs.getLong(2)));
        }
      }
    }
    return out;
  }

  /** The sequence number for the next new row: above every row, dead or live. */
  static long nextSeq(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT GREATEST(COALESCE(MAX(p.seq) + 1, 0),"
                + " COALESCE((SELECT outbox_floor FROM documents WHERE id = ?), 0))"
                + " FROM pending_ops p WHERE p.doc_id = ?")) {
      s.setString(1, doc);
      s.setString(2, doc);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ---- writing ----

  /** Appends operations as rows numbered from {@code firstSeq}. */
  static void append(
      Connection c, String doc, long firstSeq, List<TextOperation> ops, List<Long> madeAt)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO pending_ops (doc_id, seq, operation, made_at) VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < ops.size(); i++) {
        s.setString(1, doc);
        s.setLong(2, firstSeq + i);
        s.setString(3, OperationCodec.toJson(ops.get(i)));
        s.setLong(4, madeAt.get(i));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Replaces the whole outbox. A large one becomes blocks and the rows are marked dead; a small one
   * is rewritten in place when it has as many operations as the live rows (what a rebase gives) and
   * there are no blocks, otherwise the live rows are deleted and written anew.
   */
  static void replace(
      Connection c, String doc, List<TextOperation> ops, List<Long> madeAt, Seqs seqs)
      throws SQLException {
    boolean hadBlocks = Queries.update(c, "DELETE FROM outbox_blocks WHERE doc_id = ?", doc) > 0;
    if (ops.size() >= BLOCK_MIN) {
      insertBlocks(c, doc, ops, madeAt);
      setMarks(c, doc, seqs.take(0), 0);
      return;
    }
    long floor = marks(c, doc).floor();
    if (hadBlocks) {
      setMarks(c, doc, floor, 0);
    }
    SeqRange rows = liveRange(c, doc, floor);
    if (!hadBlocks && rows.count() == ops.size() && rows.contiguous()) {
      updateRows(c, doc, rows.first(), ops, madeAt);
      return;
    }
    Queries.update(c, "DELETE FROM pending_ops WHERE doc_id = ? AND seq >= ?", doc, floor);
    append(c, doc, seqs.take(ops.size()), ops, madeAt);
  }

  /** Removes the first {@code count} operations (acknowledged by the relay). */
  static void acknowledge(Connection c, String doc, int count) throws SQLException {
    if (count <= 0) {
      return;
    }
    Marks m = marks(c, doc);
    int left = count;
    int skip = m.skip();
    List<int[]> blocks = blockCounts(c, doc);
    for (int i = 0; i < blocks.size() && left > 0; i++) {
      int rest = blocks.get(i)[1] - skip;
      if (left >= rest) {
        Queries.update(
            c,
            "DELETE FROM outbox_blocks WHERE doc_id = ? AND block_no = ?",
            doc,
            blocks.get(i)[0]);
        left -= rest;
        skip = 0;
      } else {
        skip += left;
        left = 0;
      }
    }
    if (skip != m.skip()) {
      setMarks(c, doc, m.floor(), skip);
    }
    dropRows(c, doc, m.floor(), left);
  }

  // ---- helpers ----

  /** The document's marks; a document that is not there has an empty outbox. */
  private static Marks marks(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT outbox_floor, outbox_skip FROM documents WHERE id = ?")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Marks(rs.getLong(1), rs.getInt(2)) : new Marks(0, 0);
      }
    }
  }

  private static void setMarks(Connection c, String doc, long floor, int skip) throws SQLException {
    Queries.update(
        c, "UPDATE documents SET outbox_floor = ?, outbox_skip = ? WHERE id = ?", floor, skip, doc);
  }

  /** Each block's number and operation count, in order. */
  private static List<int[]> blockCounts(Connection c, String doc) throws SQLException {
    List<int[]> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT block_no, op_count FROM outbox_blocks WHERE doc_id = ? ORDER BY block_no")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new int[] {rs.getInt(1), rs.getInt(2)});
        }
      }
    }
    return out;
  }

  private static void insertBlocks(
      Connection c, String doc, List<TextOperation> ops, List<Long> madeAt) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO outbox_blocks (doc_id, block_no, op_count, operations, made_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      int blockNo = 0;
      int i = 0;
      while (i < ops.size()) {
        StringBuilder json = new StringBuilder();
        StringBuilder times = new StringBuilder();
        int n = 0;
        while (i < ops.size() && n < BLOCK_OPS && json.length() < BLOCK_CHARS) {
          if (n > 0) {
            json.append('\n');
            times.append(',');
          }
          json.append(OperationCodec.toJson(ops.get(i)));
          times.append(madeAt.get(i).longValue());
          n++;
          i++;
        }
        s.setString(1, doc);
        s.setInt(2, blockNo++);
        s.setInt(3, n);
        s.setString(4, json.toString());
        s.setString(5, times.toString());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** A block's operations; JSON text never holds a raw line break, so one per line. */
  private static List<PendingOp> decode(String doc, String json, String times) {
    String[] ops = json.split("\n", -1);
    String[] at = times.split(",", -1);
    if (ops.length != at.length) {
      throw new StoreException(
          "document "
              + doc
              + ": an outbox block has "
              + ops.length
              + " operations but "
              + at.length
              + " times");
    }
    List<PendingOp> out = new ArrayList<>(ops.length);
    for (int i = 0; i < ops.length; i++) {
      out.add(new PendingOp(OperationCodec.fromJson(ops[i]), Long.parseLong(at[i])));
    }
    return out;
  }

  /** The live rows: the first sequence number, the last, and how many there are. */
  private record SeqRange(long first, long last, int count) {
    /** True when the rows are numbered first, first + 1, ... with no hole. */
    boolean contiguous() {
      return count == 0 || last - first + 1 == count;
    }
  }

  private static SeqRange liveRange(Connection c, String doc, long floor) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT MIN(seq), MAX(seq), COUNT(*) FROM pending_ops WHERE doc_id = ? AND seq >= ?")) {
      s.setString(1, doc);
      s.setLong(2, floor);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new SeqRange(rs.getLong(1), rs.getLong(2), rs.getInt(3));
      }
    }
  }

  /** Rewrites the rows numbered {@code firstSeq} on, one per operation. */
  private static void updateRows(
      Connection c, String doc, long firstSeq, List<TextOperation> ops, List<Long> madeAt)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE pending_ops SET operation = ?, made_at = ? WHERE doc_id = ? AND seq = ?")) {
      for (int i = 0; i < ops.size(); i++) {
        s.setString(1, OperationCodec.toJson(ops.get(i)));
        s.setLong(2, madeAt.get(i));
        s.setString(3, doc);
        s.setLong(4, firstSeq + i);
        s.addBatch();
      }
      for (int n : s.executeBatch()) {
        if (n != 1) {
          throw new StoreException("document " + doc + ": the outbox changed while rewriting it");
        }
      }
    }
  }

  /** Deletes the first {@code count} live rows. */
  private static void dropRows(Connection c, String doc, long floor, int count)
      throws SQLException {
    if (count <= 0) {
      return;
    }
    Long firstKept = null;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT seq FROM pending_ops WHERE doc_id = ? AND seq >= ?"
                + " ORDER BY seq LIMIT 1 OFFSET ?")) {
      s.setString(1, doc);
      s.setLong(2, floor);
      s.setInt(3, count);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          firstKept = rs.getLong(1);
        }
      }
    }
    if (firstKept == null) {
      Queries.update(c, "DELETE FROM pending_ops WHERE doc_id = ? AND seq >= ?", doc, floor);
    } else {
      Queries.update(
          c,
          "DELETE FROM pending_ops WHERE doc_id = ? AND seq >= ? AND seq < ?",
          doc,
          floor,
          firstKept);
    }
  }

  /**
   * Deletes up to {@code n} dead rows once no block is left, that is once the rewrite that made
   * them dead is all acknowledged; returns true when dead rows may remain.
   */
  static boolean deleteDead(Connection c, String doc, int n) throws SQLException {
    long floor = marks(c, doc).floor();
    if (floor == 0 || !blockCounts(c, doc).isEmpty()) {
      return false;
    }
    return Queries.update(
            c,
            "DELETE FROM pending_ops WHERE doc_id = ? AND seq < ? FETCH FIRST ? ROWS ONLY",
            doc,
            floor,
            n)
        == n;
  }
}
