package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An uploaded page is journaled as one change: the journal alone makes it again in a database that
 * lacks it (as after a crash that lost H2's last commits), so a confirmed page survives as an
 * acknowledged batch does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadJournalTest {
  @TempDir Path dir;

  private static EmbeddedStorage open(Path data) {
    EmbeddedStorage store = EmbeddedStorage.open(data, 2);
    if (!store.users().isActive("alice")) {
      store.users().add("alice");
      store.users().add("bob");
    }
    return store;
  }

  private static HistoryStore.Append batch(long first, String author, String clientId, String op) {
    WireSequenced e =
        new WireSequenced(
            first, author, 500 + first, new WireBatch(clientId, 1, first - 1, List.of(op), 9));
    byte[] digest = new byte[32];
    digest[0] = (byte) first;
    return new HistoryStore.Append("up", e, List.of(op), digest, first == 2 ? "ab\nc" : null);
  }

  @Test
  void anUploadedPage_isMadeAgainFromTheJournal() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    List<WireSequenced> stored;
    try (EmbeddedStorage store = open(first)) {
      HistoryUploads.Outcome outcome =
          store
              .uploads()
              .store(
                  new HistoryUploads.Page(
                      "up",
                      new HistoryUploads.NewDocument(
                          "Up",
                          "alice",
                          77,
                          PayloadKind.READABLE,
                          List.of(new Member("bob", Role.VIEWER))),
                      "alice",
                      0,
                      List.of(
                          batch(1, "alice", "ua", "[\"ab\"]"),
                          batch(2, "bob", "ub", "[2,\"\\nc\"]")),
                      2,
                      true));
      assertThat(outcome).isEqualTo(new HistoryUploads.Stored(2, true));
      stored = store.history().page("up", 0, 100);
    }
    try (EmbeddedStorage store = open(second)) {
      assertThat(store.documents().find("up")).isEmpty();
    }
    // The second database lacks the page; the first's journal holds it (no relay ran: nothing
    // emptied it).
    Files.copy(
        first.resolve(Journal.FILE_NAME),
        second.resolve(Journal.FILE_NAME),
        StandardCopyOption.REPLACE_EXISTING);
    try (EmbeddedStorage store = open(second)) {
      assertThat(store.documents().find("up").orElseThrow().head()).isEqualTo(2);
      assertThat(store.history().page("up", 0, 100)).isEqualTo(stored);
      assertThat(store.history().checkpoint("up", 2).orElseThrow().text()).isEqualTo("ab\nc");
      assertThat(store.documents().role("up", "bob")).contains(Role.VIEWER);
      assertThat(store.uploads().uploadedBy("up", 2)).isEqualTo("alice");
      assertThat(store.clientIds().bind("ub", "alice")).isEqualTo("bob");
    }
  }
}
