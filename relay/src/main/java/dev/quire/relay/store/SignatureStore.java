package dev.quire.relay.store;

import dev.quire.ot.protocol.RelaySignature;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The relay's signing key and its signed checkpoints of each document's history (protocol 5's
 * {@code signatures}). Signatures are derived from the log: storing one again is harmless, and a
 * lost one is made again, the same (Ed25519 signatures are deterministic). Thread-safe; every
 * method throws {@link StoreException} when the storage fails.
 */
public interface SignatureStore {
  /**
   * The relay's private key (PKCS#8 DER): made with {@code generate} on the first call ever on this
   * storage, the same for good after that, and for every relay sharing the storage.
   */
  byte[] signingKey(java.util.function.Supplier<byte[]> generate);

  /** The latest signed checkpoint of {@code doc} at or before {@code revision}, if any. */
  Optional<RelaySignature> latestAtOrBefore(String doc, long revision);

  /**
   * The signed checkpoints of {@code doc} after {@code revision}, in order, at most {@code limit}.
   */
  List<RelaySignature> after(String doc, long revision, int limit);

  /** Keeps {@code s}; nothing changes when {@code doc} has a checkpoint at its revision already. */
  void add(String doc, RelaySignature s);

  /** The columns both storages select, in this order. */
  String COLUMNS = "revision, chain, text_hash, signature";

  /** The signature in the current row of {@code rs}, selected as {@link #COLUMNS}. */
  static RelaySignature read(ResultSet rs) throws SQLException {
    return new RelaySignature(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
  }

  /** Every row of {@code s}, executed, as signatures. */
  static List<RelaySignature> readAll(PreparedStatement s) throws SQLException {
    List<RelaySignature> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }
}
