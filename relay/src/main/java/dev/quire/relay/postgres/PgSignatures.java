package dev.quire.relay.postgres;

import dev.quire.ot.protocol.RelaySignature;
import dev.quire.relay.store.SignatureStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link SignatureStore} in PostgreSQL. The first relay to need the key makes it; any other that
 * races it loses the insert and reads the winner's, so every relay of the database signs alike.
 */
final class PgSignatures implements SignatureStore {
  private final PgDatabase db;

  PgSignatures(PgDatabase db) {
    this.db = db;
  }

  @Override
  public byte[] signingKey(Supplier<byte[]> generate) {
    byte[] key = readKey();
    if (key == null) {
      byte[] made = generate.get();
      db.read(
          "storing the relay's signing key",
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO relay_key (id, private_key) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
              s.setBytes(1, made);
              return s.executeUpdate();
            }
          });
      key = readKey();
    }
    return key;
  }

  private byte[] readKey() {
    return db.read(
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
    db.read(
        "storing a signature of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO relay_signatures (doc_id, revision, chain, text_hash, signature)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, doc);
            s.setLong(2, sig.revision());
            s.setString(3, sig.chain());
            s.setString(4, sig.textHash());
            s.setString(5, sig.signature());
            return s.executeUpdate();
          }
        });
  }
}
