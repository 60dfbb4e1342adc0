package dev.quire.relay.store.sql;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Uploaded histories, in either storage's database: a page is one {@link SqlDatabase#change}, which
 * first inserts the document's row (a new document) or locks it (see {@link PageRows#lockHead}), so
 * that no other writer moves the document meanwhile; a page refused after that rolls back whatever
 * it wrote. The embedded database journals the page's statements as it does any other change, so a
 * crash after it was confirmed loses none of it. How the batches are kept differs by storage
 * ({@link PageRows}); who may upload what, and the document's row, do not.
 */
public final class SqlUploads implements HistoryUploads {

  /** How a storage keeps an uploaded page's batches: its own tables and formats, as its appends. */
  public interface PageRows {
    /**
     * The head of the live document {@code doc}, locked against other writers until the transaction
     * ends, or -1 when there is no live document {@code doc}.
     */
    long lockHead(Connection c, String doc) throws SQLException;

    /** Writes the page's batches, each client's latest batch among them and their checkpoints. */
    void insert(SqlDatabase.Changes changes, Page page) throws SQLException;

    /** What else the update that moves the head sets (", column = value", or ""). */
    String headMoved();
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

  private final SqlDatabase db;
  private final SqlDialect dialect;
  private final PageRows rows;

  public SqlUploads(SqlDatabase db, PageRows rows) {
    this.db = db;
    this.dialect = db.dialect();
    this.rows = rows;
  }

  @Override
  public Outcome store(Page page) {
    try {
      return db.change(
          Scope.document(page.doc()),
          "storing an uploaded page of " + page.doc(),
          changes -> write(changes, page));
    } catch (Refused r) {
      return r.outcome;
    }
  }

  private Outcome write(SqlDatabase.Changes changes, Page page) throws SQLException {
    if (page.create() != null) {
      if (!create(changes, page)) {
        return new Exists();
      }
    } else {
      long head = rows.lockHead(changes.connection(), page.doc());
      if (head != page.expectedHead()) {
        return new HeadMoved(head);
      }
    }
    if (page.checkAuthors()) {
      bindClientIds(changes, page);
    }
    rows.insert(changes, page);
    long head = page.lastRevision();
    boolean complete = head >= page.target();
    if (changes.update(
            "UPDATE documents SET head = ?, last_change = ?,"
                + " missing_canonical = missing_canonical + ?, upload_target = ?"
                + rows.headMoved()
                + " WHERE id = ? AND head = ?",
            head,
            lastChange(page),
            missingCanonical(page.appends()),
            complete ? null : page.target(),
            page.doc(),
            page.expectedHead())
        != 1) { // the lock makes this impossible; refuse rather than fork
      throw new SQLException("document " + page.doc() + " moved while locked");
    }
    return new Stored(head, complete);
  }

  /** Inserts the document's row and roles; false when the id is taken, live or deleted. */
  private boolean create(SqlDatabase.Changes changes, Page page) throws SQLException {
    NewDocument d = page.create();
    String title = d.sealedTitle() == null ? d.title() : SealedTitle.PLACEHOLDER;
    dialect.requireText("a title", title);
    if (changes.update(
            dialect.insertIfAbsent(
                "documents",
                "id",
                "id, title, owner, created_at, head, last_change, payload_kind, upload_target,"
                    + " title_epoch, sealed_title"),
            page.doc(),
            title,
            d.owner(),
            d.createdMillis(),
            0L,
            d.createdMillis(),
            d.payload() == null ? null : d.payload().name().toLowerCase(Locale.ROOT),
            page.target(),
            d.sealedTitle() == null ? null : d.sealedTitle().epoch(),
            d.sealedTitle() == null ? null : d.sealedTitle().sealed())
        == 0) {
      return false;
    }
    putRole(changes, page.doc(), d.owner(), Role.OWNER);
    for (Member m : d.members()) {
      if (!m.user().equals(d.owner())
          && m.role() != Role.OWNER
          && isUser(changes.connection(), m.user())) {
        putRole(changes, page.doc(), m.user(), m.role());
      }
    }
    return true;
  }

  private void putRole(SqlDatabase.Changes changes, String doc, String user, Role role)
      throws SQLException {
    changes.update(
        dialect.upsert("document_roles", "doc_id, user_name", "doc_id, user_name, role"),
        doc,
        user,
        role.wireName());
  }

  /**
   * Binds each client id of the page to its batches' author, refusing (and rolling back) when one
   * belongs to somebody else, a page gives one to two authors, or an author is not a user.
   */
  private void bindClientIds(SqlDatabase.Changes changes, Page page) throws SQLException {
    Connection c = changes.connection();
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
      changes.update(
          dialect.insertIfAbsent("client_ids", "client_id", "client_id, user_name, bound_at"),
          clientId,
          author,
          System.currentTimeMillis());
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

  /** The time of the page's last batch, or of the document's creation when it has none. */
  private static long lastChange(Page page) {
    if (!page.appends().isEmpty()) {
      return page.appends().get(page.appends().size() - 1).entry().timestampMillis();
    }
    return page.create() != null ? page.create().createdMillis() : System.currentTimeMillis();
  }

  /** The operations of the page stored without their canonical form. */
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
        Scope.document(doc),
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
        Scope.document(doc),
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
