package dev.quire.relay.store;

import dev.quire.ot.protocol.RelaySignature;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link SignatureStore} in the embedded database; the key is journaled like any change. */
final class H2SignatureStore implements SignatureStore {
  private final Database db;

  H2SignatureStore(Database db) {
    this.db = db;
  }

  @Override
  public byte[] signingKey(Supplier<byte[]> generate) {
    byte[] key = readKey();
    if (key == null) {
      byte[] made = generate.get();
      db.change(
          "storing the relay's signing key",
          changes ->
              changes.update(
                  "INSERT INTO relay_key (id, private_key) SELECT 1, ?"
                      + " WHERE NOT EXISTS (SELECT 1 FROM relay_key)",
                  made));
      key = readKey();
    }
    return key;
  }

  private byte[] readKey() {
    return db.read(
        Database.Scope.NONE,
        "reading the relay's signing key",
        c -> {
          try (var s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT private_key FROM relay_key WHERE id = 1")) {
            return rs.next() ? rs.getBytes(1) : null;
          }
        });
  }

  @Override
  public Optional<RelaySignature> latestAtOrBefore(String doc, long revision) {
    return db.read(
        Database.Scope.NONE,
        "reading the signatures of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM relay_signatures WHERE doc_id = ? AND revision <= ?"
                      + " ORDER BY revision DESC LIMIT 1")) {
            s.setString(1, doc);
            s.setLong(2, revision);
            return SignatureStore.readAll(s).stream().findFirst();
          }
        });
  }

  @Override
  public List<RelaySignature> after(String doc, long revision, int limit) {
    return db.read(
        Database.Scope.NONE,
        "reading the signatures of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM relay_signatures WHERE doc_id = ? AND revision > ?"
                      + " ORDER BY revision LIMIT ?")) {
            s.setString(1, doc);
            s.setLong(2, revision);
            s.setInt(3, limit);
            return SignatureStore.readAll(s);
          }
        });
  }

  @Override
  public void add(String doc, RelaySignature sig) {
    db.change(
        Database.Scope.NONE,
        "storing a signature of " + doc,
        changes ->
            changes.update(
                "INSERT INTO relay_signatures (doc_id, revision, chain, text_hash, signature)"
                    + " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM relay_signatures"
                    + " WHERE doc_id = ? AND revision = ?)",
                doc,
                sig.revision(),
                sig.chain(),
                sig.textHash(),
                sig.signature(),
                doc,
                sig.revision()));
  }
}
