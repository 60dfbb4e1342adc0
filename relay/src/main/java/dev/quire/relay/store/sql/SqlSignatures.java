package dev.quire.relay.store.sql;

import dev.quire.ot.protocol.RelaySignature;
import dev.quire.relay.store.SignatureStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link SignatureStore} in either storage's database. The first relay to need the key makes it;
 * any other that races it (several relays on one PostgreSQL) inserts nothing and reads the
 * winner's, so every relay of the database signs alike.
 */
public final class SqlSignatures implements SignatureStore {
  private final SqlDatabase db;

  public SqlSignatures(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public byte[] signingKey(Supplier<byte[]> generate) {
    byte[] key = readKey();
    if (key == null) {
      byte[] made = generate.get();
      db.change(
          Scope.NONE,
          "storing the relay's signing key",
          changes ->
              changes.update(
                  db.dialect().insertIfAbsent("relay_key", "id", "id, private_key"), 1, made));
      key = readKey();
    }
    return key;
  }

  private byte[] readKey() {
    return db.read(
        Scope.NONE,
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
        Scope.NONE,
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
        Scope.NONE,
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
        Scope.NONE,
        "storing a signature of " + doc,
        changes ->
            changes.update(
                db.dialect()
                    .insertIfAbsent(
                        "relay_signatures",
                        "doc_id, revision",
                        "doc_id, revision, chain, text_hash, signature"),
                doc,
                sig.revision(),
                sig.chain(),
                sig.textHash(),
                sig.signature()));
  }
}
