package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead journal: what a crash leaves in it reaches H2 on the next open, once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JournalTest {
  @TempDir Path dir;

  private EmbeddedStorage openWithDocument() {
    EmbeddedStorage store = EmbeddedStorage.open(dir, 2);
    if (!store.users().isActive("alice")) {
      store.users().add("alice");
      store.documents().create("doc", "T", "alice", 1, PayloadKind.READABLE);
    }
    return store;
  }

  private static HistoryStore.Append append(long first, long seq, String text, String checkpoint) {
    String op = first == 1 ? "[\"" + text + "\"]" : "[" + (first - 1) + ",\"" + text + "\"]";
    WireSequenced e =
        new WireSequenced(
            first, "alice", 100 + seq, new WireBatch("c", seq, first - 1, List.of(op), 1_000L));
    return new HistoryStore.Append("doc", e, List.of(op), new byte[32], checkpoint);
  }

  private Path journalFile() {
    return dir.resolve(Journal.FILE_NAME);
  }

  @Test
  void appendsOnlyInTheJournal_areWrittenOnTheNextOpen_skippingThoseH2AlreadyHas() {
    try (EmbeddedStorage store = openWithDocument()) {
      store.history().append(append(1, 1, "a", null)); // reached H2 before the "crash"
      // As if the relay was killed after journaling 1 to 3 and before H2 took 2 and 3.
      store.journal().write(List.of(append(1, 1, "a", null), append(2, 2, "é", null)));
      store.journal().write(List.of(append(3, 3, "😀", "aé😀")));
    }
    assertThat(Files.exists(journalFile())).isTrue();
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(3);
      assertThat(store.history().page("doc", 0, 100))
          .extracting(w -> w.batch().operations().get(0))
          .containsExactly("[\"a\"]", "[1,\"é\"]", "[2,\"😀\"]");
      assertThat(store.history().canonical("doc", 1, 3))
          .containsExactly("[\"a\"]", "[1,\"é\"]", "[2,\"😀\"]");
      assertThat(store.history().storedSize("doc").canonical())
          .as("replayed rows store canonical operations equal to those sent once, as others do")
          .isZero();
      assertThat(store.history().checkpoint("doc", 3).orElseThrow().text()).isEqualTo("aé😀");
      assertThat(store.journal().isEmpty()).isTrue();
    }
    // A third open finds nothing more to do.
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.history().page("doc", 0, 100)).hasSize(3);
    }
  }

  @Test
  void changesOnlyInTheJournal_areMadeAgainOnTheNextOpen_rowsH2HasAreLeftAsTheyAre() {
    try (EmbeddedStorage store = openWithDocument()) {
      store.documents().rename("doc", "Renamed", 2); // journaled, as every change
      // As if H2 came back after a crash without the next two changes: only the journal has them.
      store
          .journal()
          .write(
              new StoredChange(
                  List.of(
                      new StoredChange.Statement(
                          "INSERT INTO documents (id, title, owner, created_at, head, last_change)"
                              + " VALUES (?, ?, ?, ?, 0, ?)",
                          List.of("other", "Other", "alice", 3L, 3L)),
                      new StoredChange.Statement(
                          "MERGE INTO document_roles (doc_id, user_name, role)"
                              + " KEY (doc_id, user_name) VALUES (?, ?, ?)",
                          List.of("other", "alice", "owner")))));
      store
          .journal()
          .write(
              new StoredChange(
                  List.of(
                      new StoredChange.Statement(
                          "UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                          List.of(4L, "doc")))));
    }
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.documents().find("doc").orElseThrow())
          .satisfies(d -> assertThat(d.title()).isEqualTo("Renamed"))
          .satisfies(d -> assertThat(d.deletedMillis()).isEqualTo(4L));
      assertThat(store.documents().role("other", "alice")).contains(Role.OWNER);
      assertThat(store.journal().isEmpty()).isTrue();
    }
    // The journal was emptied: a third open finds the same.
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.documents().list("alice", false))
          .extracting(d -> d.doc())
          .containsExactly("other");
    }
  }

  @Test
  void aRecordCutShortByACrash_endsTheJournal_andTheFileIsCopiedAside() throws IOException {
    try (EmbeddedStorage store = openWithDocument()) {
      store.journal().write(List.of(append(1, 1, "a", null), append(2, 2, "b", null)));
    }
    byte[] whole = Files.readAllBytes(journalFile());
    // Cut into the second record, as a write interrupted by a kill would.
    Files.write(journalFile(), java.util.Arrays.copyOf(whole, whole.length - 5));
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(1);
      assertThat(store.journal().isEmpty()).isTrue();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith(Journal.FILE_NAME + ".damaged-"));
    }
  }

  @Test
  void aFlippedByte_failsTheChecksum_andNothingAfterItIsApplied() throws IOException {
    try (EmbeddedStorage store = openWithDocument()) {
      store.journal().write(List.of(append(1, 1, "a", null)));
      store.journal().write(List.of(append(2, 2, "b", null)));
    }
    byte[] bytes = Files.readAllBytes(journalFile());
    bytes[bytes.length - 3] ^= 0x20; // inside the second record's body
    Files.write(journalFile(), bytes);
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.history().page("doc", 0, 100)).hasSize(1);
    }
  }

  @Test
  void aFileThatIsNotAJournal_isRefusedAndLeftAlone() throws IOException {
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.journal().isEmpty()).as("the user and the document, journaled").isFalse();
    }
    Files.writeString(journalFile(), "something else entirely\n");
    assertThatThrownBy(() -> EmbeddedStorage.open(dir, 2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a Quire relay journal");
    assertThat(Files.readString(journalFile())).isEqualTo("something else entirely\n");
    // And the database was closed again: it opens once the file is moved away.
    Files.delete(journalFile());
    try (EmbeddedStorage store = EmbeddedStorage.open(dir, 2)) {
      assertThat(store.users().isActive("alice")).isTrue();
    }
  }

  @Test
  void aRecordThatCannotFollowTheStoredHead_stopsTheOpen_andTheJournalIsKept() throws IOException {
    try (EmbeddedStorage store = openWithDocument()) {
      store.journal().write(List.of(append(5, 1, "x", null))); // the head is 0
    }
    byte[] before = Files.readAllBytes(journalFile());
    assertThatThrownBy(() -> EmbeddedStorage.open(dir, 2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("revisions 5 to 5 of document doc")
        .hasMessageContaining("stored head revision 0");
    assertThat(Files.readAllBytes(journalFile())).isEqualTo(before);
  }

  @Test
  void appendsOfADeletedDocument_areSkipped() {
    try (EmbeddedStorage store = openWithDocument()) {
      store.journal().write(List.of(append(1, 1, "a", null)));
      store.documents().markDeleted("doc", 2);
    }
    try (EmbeddedStorage store = openWithDocument()) {
      assertThat(store.journal().isEmpty()).isTrue();
      assertThat(store.documents().find("doc").orElseThrow().head()).isZero();
    }
  }

  @Test
  void aSecondRelayOnTheSameJournal_isRefused() {
    try (EmbeddedStorage store = openWithDocument()) {
      assertThatThrownBy(() -> Journal.open(dir, false))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void aReopenedJournal_readsWhatWasWrittenAndAppendsAfterIt() throws IOException {
    Path own = Files.createDirectories(dir.resolve("own"));
    try (Journal journal = Journal.open(own, true)) {
      journal.write(List.of(append(1, 1, "a", "a")));
    }
    try (Journal journal = Journal.open(own, true)) {
      assertThat(journal.readAll())
          .singleElement()
          .asInstanceOf(
              org.assertj.core.api.InstanceOfAssertFactories.type(HistoryStore.Append.class))
          .extracting(HistoryStore.Append::checkpoint)
          .isEqualTo("a");
      journal.write(List.of(append(2, 2, "b", null)));
      assertThat(journal.readAll())
          .extracting(a -> ((HistoryStore.Append) a).entry().firstRevision())
          .containsExactly(1L, 2L);
      journal.clear();
      assertThat(journal.readAll()).isEmpty();
      assertThat(Files.size(own.resolve(Journal.FILE_NAME))).isEqualTo(8);
    }
  }

  @Test
  void changes_areReadBackInOrderWithAppends_argumentsOfEveryType() throws IOException {
    Path own = Files.createDirectories(dir.resolve("changes"));
    StoredChange change =
        new StoredChange(
            List.of(
                new StoredChange.Statement(
                    "UPDATE t SET a = ?, b = ?, c = ?, d = ? WHERE e = ?",
                    java.util.Arrays.asList("é😀", 7L, null, new byte[] {1, 2}, 3))));
    try (Journal journal = Journal.open(own, false)) {
      journal.write(List.of(append(1, 1, "a", null)));
      journal.write(change);
      journal.write(List.of(append(2, 2, "b", null)));
    }
    try (Journal journal = Journal.open(own, false)) {
      List<Object> records = journal.readAll();
      assertThat(records).hasSize(3);
      assertThat(records.get(0)).isInstanceOf(HistoryStore.Append.class);
      assertThat(records.get(2)).isInstanceOf(HistoryStore.Append.class);
      StoredChange.Statement read = ((StoredChange) records.get(1)).statements().get(0);
      assertThat(read.sql()).isEqualTo("UPDATE t SET a = ?, b = ?, c = ?, d = ? WHERE e = ?");
      assertThat(read.args().get(0)).isEqualTo("é😀");
      assertThat(read.args().get(1)).isEqualTo(7L);
      assertThat(read.args().get(2)).isNull();
      assertThat((byte[]) read.args().get(3)).containsExactly(1, 2);
      assertThat(read.args().get(4)).isEqualTo(3L);
    }
  }
}
