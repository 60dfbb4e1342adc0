package dev.quire.relay.store;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
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
 * Uploaded histories in the embedded database: a page is one {@link Database#change}, so the
 * journal keeps its statements as it keeps any other change, and a crash after it was confirmed
 * loses none of it. Everything that can refuse the page is read before anything is written.
 */
final class H2HistoryUploads implements HistoryUploads {
  private final Database db;

  H2HistoryUploads(Database db) {
    this.db = db;
  }

  @Override
  public Outcome store(Page page) {
    return db.change(
        Database.Scope.document(page.doc()),
        "storing an uploaded page of " + page.doc(),
        changes -> {
          Connection c = changes.connection();
          Outcome refused = refusal(c, page);
          if (refused != null) {
            return refused;
          }
          if (page.create() != null) {
            create(changes, page);
          }
          if (page.checkAuthors()) {
            bindClientIds(changes, page);
          }
          for (Append a : page.appends()) {
            insertBatch(changes, a, page.uploader());
          }
          writeLatest(changes, page.appends());
          long head = page.lastRevision();
          boolean complete = head >= page.target();
          changes.update(
              "UPDATE documents SET head = ?, last_change = ?,"
                  + " missing_canonical = missing_canonical + ?, upload_target = ?"
                  + " WHERE id = ? AND head = ?",
              head,
              lastChange(page),
              missingCanonical(page.appends()),
              complete ? null : page.target(),
              page.doc(),
              page.expectedHead());
          return new Stored(head, complete);
        });
  }

  /** Why the page cannot be stored, or null. */
  private static Outcome refusal(Connection c, Page page) throws SQLException {
    Long head = head(c, page.doc());
    if (page.create() != null && head != null) {
      return new Exists();
    }
    if (page.create() == null && (head == null || head != page.expectedHead())) {
      return new HeadMoved(head == null ? -1 : head);
    }
    if (!page.checkAuthors()) {
      return null;
    }
    Map<String, String> seen = new HashMap<>();
    for (Append a : page.appends()) {
      String clientId = a.entry().batch().clientId();
      String author = a.entry().author();
      String earlier = seen.putIfAbsent(clientId, author);
      if (earlier != null) {
        if (!earlier.equals(author)) {
          return new ClientIdTaken(clientId, author, earlier); // two authors in one page
        }
        continue;
      }
      if (!isUser(c, author)) {
        return new UnknownAuthor(author);
      }
      String owner = clientOwner(c, clientId);
      if (owner != null && !owner.equals(author)) {
        return new ClientIdTaken(clientId, author, owner);
      }
    }
    return null;
  }

  /** Each client id of the page with its author (the page was checked: one author each). */
  static Map<String, String> clientAuthors(List<Append> appends) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Append a : appends) {
      out.putIfAbsent(a.entry().batch().clientId(), a.entry().author());
    }
    return out;
  }

  private static void create(Database.Changes changes, Page page) throws SQLException {
    NewDocument d = page.create();
    changes.update(
        "INSERT INTO documents (id, title, owner, created_at, head, last_change, payload_kind,"
            + " upload_target) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
        page.doc(),
        d.title(),
        d.owner(),
        d.createdMillis(),
        d.createdMillis(),
        d.payload() == null ? null : d.payload().name().toLowerCase(Locale.ROOT),
        page.target());
    putRole(changes, page.doc(), d.owner(), Role.OWNER);
    for (Member m : d.members()) {
      if (!m.user().equals(d.owner())
          && m.role() != Role.OWNER
          && isUser(changes.connection(), m.user())) {
        putRole(changes, page.doc(), m.user(), m.role());
      }
    }
  }

  private static void putRole(Database.Changes changes, String doc, String user, Role role)
      throws SQLException {
    changes.update(
        "MERGE INTO document_roles (doc_id, user_name, role) KEY (doc_id, user_name)"
            + " VALUES (?, ?, ?)",
        doc,
        user,
        role.wireName());
  }

  private static void bindClientIds(Database.Changes changes, Page page) throws SQLException {
    for (Map.Entry<String, String> client : clientAuthors(page.appends()).entrySet()) {
      if (clientOwner(changes.connection(), client.getKey()) == null) {
        changes.update(
            "INSERT INTO client_ids (client_id, user_name, bound_at) VALUES (?, ?, ?)",
            client.getKey(),
            client.getValue(),
            System.currentTimeMillis());
      }
    }
  }

  private static void insertBatch(Database.Changes changes, Append a, String uploader)
      throws SQLException {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    String operations = H2HistoryStore.joinOperations(b.operations());
    String canonical = a.canonical() == null ? null : H2HistoryStore.joinOperations(a.canonical());
    if (operations == null || (a.canonical() != null && canonical == null)) {
      for (int i = 0; i < b.size(); i++) { // cannot be held one per line: a log row each
        changes.update(
            "INSERT INTO log (doc_id, revision, base_revision, author, client_id, batch_seq,"
                + " created_at, payload, canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            a.doc(),
            e.firstRevision() + i,
            b.baseRevision(),
            e.author(),
            b.clientId(),
            b.batchSeq(),
            e.timestampMillis(),
            b.operations().get(i),
            a.canonical() == null ? null : a.canonical().get(i));
      }
    }
    changes.update(
        "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
            + " base_revision, created_at, digest, operations, canonical, made_at, uploaded_by,"
            + " notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.doc(),
        e.author(),
        b.clientId(),
        b.batchSeq(),
        e.firstRevision(),
        b.size(),
        b.baseRevision(),
        e.timestampMillis(),
        a.digest(),
        operations,
        canonical,
        b.madeAt(),
        uploader,
        b.notes());
    if (a.checkpoint() != null) {
      changes.update(
          "INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)",
          a.doc(),
          e.lastRevision(),
          a.checkpoint());
    }
  }

  /** Each client's last batch of the page becomes its latest, which resends are checked against. */
  private static void writeLatest(Database.Changes changes, List<Append> appends)
      throws SQLException {
    Map<List<String>, Append> latest = new LinkedHashMap<>();
    for (Append a : appends) {
      latest.put(List.of(a.doc(), a.entry().author(), a.entry().batch().clientId()), a);
    }
    for (Append a : latest.values()) {
      WireSequenced e = a.entry();
      changes.update(
          "MERGE INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision,"
              + " op_count, created_at, digest) KEY (doc_id, author, client_id)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          a.doc(),
          e.author(),
          e.batch().clientId(),
          e.batch().batchSeq(),
          e.firstRevision(),
          e.batch().size(),
          e.timestampMillis(),
          a.digest());
    }
  }

  static long lastChange(Page page) {
    if (!page.appends().isEmpty()) {
      return page.appends().get(page.appends().size() - 1).entry().timestampMillis();
    }
    return page.create() != null ? page.create().createdMillis() : System.currentTimeMillis();
  }

  static long missingCanonical(List<Append> appends) {
    long n = 0;
    for (Append a : appends) {
      n += a.canonical() == null ? a.entry().batch().size() : 0;
    }
    return n;
  }

  private static Long head(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT head, deleted_at FROM documents WHERE id = ?")) { // deleted: taken, not live
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long head = rs.getLong(1);
        rs.getLong(2);
        return rs.wasNull() ? head : -1L;
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

  private static String clientOwner(Connection c, String clientId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT user_name FROM client_ids WHERE client_id = ?")) {
      s.setString(1, clientId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Override
  public OptionalLong target(String doc) {
    return db.read(
        Database.Scope.document(doc),
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
        Database.Scope.document(doc),
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
