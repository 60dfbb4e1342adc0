package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.crypto.Keyring;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting an encrypted document takes its keys, its encryption mark and every other row of it with
 * it, in every table of the profile keyed by document: a document created later with the same id
 * starts with none of them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeletedDocumentKeysTest {
  @TempDir Path dir;

  /** Encrypted document {@code id} with a row in each table that can hold one of a document. */
  private static void encryptedDocument(LocalStore store, Keyring keyring, String id) {
    assertThat(store.createDocument(id, "Secret", 1, false, List.of()).join()).isTrue();
    keyring.newDocument(id).join();
    store
        .keyringWrite(
            "MERGE INTO sealed_batches (doc_id, batch_seq, epoch, digest, elements) KEY (doc_id)"
                + " VALUES (?, ?, ?, ?, ?)",
            id,
            1L,
            1L,
            "d".repeat(64),
            "[]")
        .join();
    store
        .keyringWrite(
            "INSERT INTO sealed_history (doc_id, first_revision, size, base_revision, author,"
                + " client_id, batch_seq, time_millis, made_at, sealed)"
                + " VALUES (?, 1, 1, 0, 'alice', 'c', 1, 1, 1, '{}')",
            id)
        .join();
    store
        .keyringWrite(
            "INSERT INTO relay_signatures (doc_id, revision, relay_key, chain, text_hash,"
                + " signature) VALUES (?, 1, 'k', ?, NULL, 's')",
            id,
            "c".repeat(64))
        .join();
    store.saveMembers(id, List.of(new Member("alice", Role.OWNER))).join();
  }

  /** Each table with a document column, and how many of its rows are of {@code id}. */
  private TreeMap<String, Long> rowsByTable(String id) throws Exception {
    TreeMap<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "")) {
      List<String[]> columns = new ArrayList<>();
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT table_name, column_name FROM information_schema.columns"
                      + " WHERE table_schema = 'PUBLIC'"
                      + " AND (column_name = 'DOC_ID' OR (table_name = 'DOCUMENTS'"
                      + " AND column_name = 'ID'))");
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] t : columns) {
        try (PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM " + t[0] + " WHERE " + t[1] + " = ?")) {
          s.setString(1, id);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            out.put(t[0].toLowerCase(java.util.Locale.ROOT), rs.getLong(1));
          }
        }
      }
    }
    return out;
  }

  @Test
  void deletingAnEncryptedDocument_leavesNoRowOfItInAnyTable_andKeepsTheOthersKeys()
      throws Exception {
    try (LocalStore store = LocalStore.open(dir)) {
      Keyring keyring = Keyring.load(store).join();
      encryptedDocument(store, keyring, "sec");
      encryptedDocument(store, keyring, "kept");
      assertThat(store.deleteDocument("sec", 5).join()).isTrue();
    }
    TreeMap<String, Long> left = rowsByTable("sec");
    assertThat(left)
        .as("the tables with a document column")
        .containsKeys("document_keys", "encrypted_documents", "sealed_batches", "log_blocks");
    assertThat(left).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
    TreeMap<String, Long> kept = rowsByTable("kept");
    assertThat(kept.get("document_keys")).isEqualTo(1);
    assertThat(kept.get("encrypted_documents")).isEqualTo(1);
    assertThat(kept.get("sealed_batches")).isEqualTo(1);
  }

  @Test
  void aDocumentCreatedAgainWithADeletedOnesId_seesNoneOfItsKeys() throws Exception {
    byte[] oldKey;
    try (LocalStore store = LocalStore.open(dir)) {
      Keyring keyring = Keyring.load(store).join();
      encryptedDocument(store, keyring, "sec");
      oldKey = keyring.key("sec", 1).orElseThrow();
      assertThat(store.deleteDocument("sec", 5).join()).isTrue();

      // The keyring in memory (a window's, the sync engine's) forgets it too.
      assertThat(keyring.isEncrypted("sec")).isFalse();
      assertThat(keyring.keys("sec")).isEmpty();
      assertThat(store.createDocument("sec", "Plain again", 6, false, List.of()).join()).isTrue();
      assertThat(Keyring.load(store).join().isEncrypted("sec")).as("read again").isFalse();

      keyring.newDocument("sec").join();
      assertThat(keyring.key("sec", 1).orElseThrow()).isNotEqualTo(oldKey);
    }
    try (LocalStore store = LocalStore.open(dir)) {
      Keyring keyring = Keyring.load(store).join();
      assertThat(keyring.keys("sec")).hasSize(1);
      assertThat(keyring.key("sec", 1).orElseThrow()).isNotEqualTo(oldKey);
    }
  }
}
