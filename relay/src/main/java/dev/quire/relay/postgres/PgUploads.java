package dev.quire.relay.postgres;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Uploaded histories on PostgreSQL: a page is one transaction that first takes the document's row
 * lock (or inserts the row), as appends do, so that no other relay moves the document meanwhile; a
 * page refused after that rolls back whatever it wrote.
 */
final class PgUploads implements HistoryUploads {
  private final PgDatabase db;

  PgUploads(PgDatabase db) {
    this.db = db;
  }

  /** Rolls the page's transaction back, carrying why. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Outcome outcome;

    Refused(Outcome outcome) {
      super(outcome.toString(), null, false, false);
      this.outcome = outcome;
    }
  }

  @Override
  public Outcome store(Page page) {
    try {
      return db.inTransaction("storing an uploaded page of " + page.doc(), c -> write(c, page));
    } catch (Refused r) {
      return r.outcome;
    }
  }

  private static Outcome write(Connection c, Page page) throws SQLException {
    if (page.create() != null) {
      if (!create(c, page)) {
        return new Exists();
      }
    } else {
      long head = lockHead(c, page.doc());
      if (head != page.expectedHead()) {
        return new HeadMoved(head);
      }
    }
    if (page.checkAuthors()) {
      bindClientIds(c, page);
    }
    insertBatches(c, page);
    upsertLatest(c, page.appends());
    insertCheckpoints(c, page.appends());
    long head = page.lastRevision();
    boolean complete = head >= page.target();
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE documents SET head = ?, last_change = ?,"
                + " missing_canonical = missing_canonical + ?, upload_target = ?,"
                + " moved_at = clock_timestamp() WHERE id = ? AND head = ?")) {
      s.setLong(1, head);
      s.setLong(2, lastChange(page));
      s.setLong(3, missingCanonical(page.appends()));
      if (complete) {
        s.setNull(4, java.sql.Types.BIGINT);
      } else {
        s.setLong(4, page.target());
      }
      s.setString(5, page.doc());
      s.setLong(6, page.expectedHead());
      if (s.executeUpdate() != 1) { // the lock makes this impossible; refuse rather than fork
        throw new SQLException("document " + page.doc() + " moved while locked");
      }
    }
    return new Stored(head, complete);
  }

  /** Inserts the document's row and roles; false when the id is taken. */
  private static boolean create(Connection c, Page page) throws SQLException {
    NewDocument d = page.create();
    PgText.require("a title", d.title());
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO documents (id, title, owner, created_at, head, last_change, payload_kind,"
                + " upload_target) VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, page.doc());
      s.setString(2, d.title());
      s.setString(3, d.owner());
      s.setLong(4, d.createdMillis());
      s.setLong(5, d.createdMillis());
      s.setString(6, d.payload() == null ? null : d.payload().name().toLowerCase(Locale.ROOT));
      s.setLong(7, page.target());
      if (s.executeUpdate() == 0) {
        return false;
      }
    }
    putRole(c, page.doc(), d.owner(), Role.OWNER);
    for (Member m : d.members()) {
      if (!m.user().equals(d.owner()) && m.role() != Role.OWNER && isUser(c, m.user())) {
        putRole(c, page.doc(), m.user(), m.role());
      }
    }
    return true;
  }

  private static long lockHead(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT head FROM documents WHERE id = ? AND deleted_at IS NULL FOR NO KEY UPDATE")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private static void putRole(Connection c, String doc, String user, Role role)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO document_roles (doc_id, user_name, role) VALUES (?, ?, ?)"
                + " ON CONFLICT (doc_id, user_name) DO UPDATE SET role = EXCLUDED.role")) {
      s.setString(1, doc);
      s.setString(2, user);
      s.setString(3, role.wireName());
      s.executeUpdate();
    }
  }

  /**
   * Binds each client id of the page to its batches' author, refusing (and rolling back) when one
   * belongs to somebody else, or an author is not a user.
   */
  private static void bindClientIds(Connection c, Page page) throws SQLException {
    Map<String, String> seen = new HashMap<>();
    for (Append a : page.appends()) {
      String clientId = a.entry().batch().clientId();
      String author = a.entry().author();
      String earlier = seen.putIfAbsent(clientId, author);
      if (earlier != null) {
        if (!earlier.equals(author)) {
          throw new Refused(new ClientIdTaken(clientId, author, earlier));
        }
        continue;
      }
      if (!isUser(c, author)) {
        throw new Refused(new UnknownAuthor(author));
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO client_ids (client_id, user_name, bound_at) VALUES (?, ?, ?)"
                  + " ON CONFLICT DO NOTHING")) {
        s.setString(1, clientId);
        s.setString(2, author);
        s.setLong(3, System.currentTimeMillis());
        s.executeUpdate();
      }
      try (PreparedStatement s =
          c.prepareStatement("SELECT user_name FROM client_ids WHERE client_id = ?")) {
        s.setString(1, clientId);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          String owner = rs.getString(1);
          if (!owner.equals(author)) {
            throw new Refused(new ClientIdTaken(clientId, author, owner));
          }
        }
      }
    }
  }

  private static boolean isUser(Connection c, String user) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM users WHERE name = ?")) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void insertBatches(Connection c, Page page) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO batches (doc_id, first_revision, last_revision, base_revision, author,"
                + " client_id, batch_seq, created_at, operations, canonical, digest, made_at,"
                + " uploaded_by, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Append a : page.appends()) {
        WireSequenced e = a.entry();
        s.setString(1, a.doc());
        s.setLong(2, e.firstRevision());
        s.setLong(3, e.lastRevision());
        s.setLong(4, e.batch().baseRevision());
        s.setString(5, e.author());
        s.setString(6, e.batch().clientId());
        s.setLong(7, e.batch().batchSeq());
        s.setLong(8, e.timestampMillis());
        s.setArray(9, c.createArrayOf("text", e.batch().operations().toArray()));
        s.setArray(
            10, a.canonical() == null ? null : c.createArrayOf("text", a.canonical().toArray()));
        s.setBytes(11, a.digest());
        s.setLong(12, e.batch().madeAt());
        s.setString(13, page.uploader());
        s.setString(14, e.batch().notes());
        s.addBatch();
      }
      if (!page.appends().isEmpty()) {
        s.executeBatch();
      }
    }
  }

  private static void upsertLatest(Connection c, List<Append> appends) throws SQLException {
    Map<List<String>, Append> latest = new LinkedHashMap<>();
    for (Append a : appends) {
      latest.put(List.of(a.doc(), a.entry().author(), a.entry().batch().clientId()), a);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, created_at, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (doc_id, author, client_id) DO UPDATE SET"
                + " batch_seq = EXCLUDED.batch_seq, first_revision = EXCLUDED.first_revision,"
                + " op_count = EXCLUDED.op_count, created_at = EXCLUDED.created_at,"
                + " digest = EXCLUDED.digest WHERE latest_batches.batch_seq < EXCLUDED.batch_seq")) {
      for (Append a : latest.values()) {
        WireSequenced e = a.entry();
        s.setString(1, a.doc());
        s.setString(2, e.author());
        s.setString(3, e.batch().clientId());
        s.setLong(4, e.batch().batchSeq());
        s.setLong(5, e.firstRevision());
        s.setInt(6, e.batch().size());
        s.setLong(7, e.timestampMillis());
        s.setBytes(8, a.digest());
        s.addBatch();
      }
      if (!latest.isEmpty()) {
        s.executeBatch();
      }
    }
  }

  private static void insertCheckpoints(Connection c, List<Append> appends) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)")) {
      for (Append a : appends) {
        if (a.checkpoint() != null) {
          s.setString(1, a.doc());
          s.setLong(2, a.entry().lastRevision());
          s.setBytes(3, a.checkpoint().getBytes(StandardCharsets.UTF_8));
          s.executeUpdate();
        }
      }
    }
  }

  private static long lastChange(Page page) {
    if (!page.appends().isEmpty()) {
      return page.appends().get(page.appends().size() - 1).entry().timestampMillis();
    }
    return page.create() != null ? page.create().createdMillis() : System.currentTimeMillis();
  }

  private static long missingCanonical(List<Append> appends) {
    long n = 0;
    for (Append a : appends) {
      n += a.canonical() == null ? a.entry().batch().size() : 0;
    }
    return n;
  }

  @Override
  public OptionalLong target(String doc) {
    return db.read(
        "reading the upload of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT upload_target FROM documents WHERE id = ? AND deleted_at IS NULL")) {
            s.setString(1, doc);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return OptionalLong.empty();
              }
              long target = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(target);
            }
          }
        });
  }

  @Override
  public String uploadedBy(String doc, long firstRevision) {
    return db.read(
        "reading who uploaded " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT uploaded_by FROM batches WHERE doc_id = ? AND first_revision = ?")) {
            s.setString(1, doc);
            s.setLong(2, firstRevision);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }
}
