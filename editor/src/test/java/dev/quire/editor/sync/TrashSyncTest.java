package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.TrashedDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trash through the sync engine: Alice, on two devices, deletes a document shared with Bob, and
 * restores it from either device; copies that stopped when it went sync again, edits made meanwhile
 * included.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrashSyncTest {
  @TempDir Path dir;
  private TestRelay relay;
  private TestClient desk; // Alice
  private TestClient laptop; // Alice too
  private TestClient bob;
  private DocumentSession onDesk;
  private DocumentSession onLaptop;
  private DocumentSession onBob;

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    String alice = relay.user("alice");
    String bt = relay.user("bob");
    relay.document("doc", "alice", "bob");
    desk = new TestClient(dir.resolve("desk"), relay.uri(), alice, "alice");
    laptop = new TestClient(dir.resolve("laptop"), relay.uri(), alice, "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), bt, "bob");
    for (TestClient c : List.of(desk, laptop, bob)) {
      c.addRemoteDocument("doc");
    }
    onDesk = desk.open("doc");
    onLaptop = laptop.open("doc");
    onBob = bob.open("doc");
    for (TestClient c : List.of(desk, laptop, bob)) {
      c.start();
    }
    desk.edit(onDesk, 0, 0, "hello");
    desk.awaitSettled();
    TestClient.await(
        "all have it", () -> revision(laptop, onLaptop) == 1 && revision(bob, onBob) == 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {desk, laptop, bob, relay}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static long revision(TestClient c, DocumentSession s) {
    return c.onOwner(s::revision);
  }

  private static <T> T call(
      TestClient c, java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> f)
      throws Exception {
    return c.owner.call(f::get).get(30, TimeUnit.SECONDS);
  }

  private void deleteOnDesk() throws Exception {
    assertThat(call(desk, () -> desk.engine.delete("doc"))).isTrue();
    desk.awaitSettled();
    TestClient.await(
        "the laptop's copy stopped",
        () -> laptop.status(onLaptop).state() == SyncStatus.State.ERROR);
    TestClient.await(
        "Bob's copy stopped", () -> bob.status(onBob).state() == SyncStatus.State.ERROR);
  }

  @Test
  void restoredFromAnotherDevice_everyStoppedCopySyncsAgain() throws Exception {
    deleteOnDesk();
    assertThat(laptop.status(onLaptop).error()).contains("trash");
    List<TrashedDocument> trash = call(laptop, () -> laptop.engine.trash());
    assertThat(trash).extracting(TrashedDocument::doc).containsExactly("doc");
    assertThat(trash.get(0).head()).isEqualTo(1);
    assertThat(call(bob, () -> bob.engine.trash())).isEmpty();

    DocumentInfo restored = call(laptop, () -> laptop.engine.restore("doc"));
    assertThat(restored.head()).isEqualTo(1);
    laptop.awaitSettled();
    laptop.edit(onLaptop, 5, 0, " again");
    laptop.awaitSettled();
    TestClient.await("Bob syncs again", () -> bob.text(onBob).equals("hello again"));
    assertThat(bob.status(onBob).error()).isNull();
    assertThat(laptop.store.document("doc").get().orElseThrow().syncError()).isNull();
    assertThat(call(laptop, () -> laptop.engine.trash())).isEmpty();
  }

  @Test
  void theDeviceThatDeletedIt_restoresItWithItsWholeHistory() throws Exception {
    deleteOnDesk();
    assertThat(desk.store.document("doc").get()).isEmpty();
    assertThat(call(desk, () -> desk.engine.trash()))
        .extracting(TrashedDocument::doc)
        .containsExactly("doc");
    call(desk, () -> desk.engine.restore("doc"));
    TestClient.await("back on the desk", () -> desk.store.localText("doc").join().equals("hello"));
    desk.awaitSettled();
    DocumentSession again = desk.open("doc");
    assertThat(revision(desk, again)).isEqualTo(1);
    desk.edit(again, 0, 0, "> ");
    desk.awaitSettled();
    TestClient.await(
        "the others have it",
        () -> bob.text(onBob).equals("> hello") && laptop.text(onLaptop).equals("> hello"));
  }

  @Test
  void aDeviceOfflineWhileTrashedAndRestored_sendsItsEditsAfterwards() throws Exception {
    laptop.stop();
    laptop.edit(onLaptop, 5, 0, " offline");
    deleteOnDeskWithLaptopOffline();
    call(desk, () -> desk.engine.restore("doc"));
    TestClient.await("Bob syncs again", () -> bob.status(onBob).state() == SyncStatus.State.SYNCED);
    laptop.start();
    laptop.awaitSettled();
    TestClient.await("Bob has the offline edit", () -> bob.text(onBob).equals("hello offline"));
    assertThat(laptop.problems).isEmpty();
  }

  @Test
  void aDeviceReconnectingWhileTrashed_keepsItsEdits_andSendsThemOnceRestored() throws Exception {
    laptop.stop();
    laptop.edit(onLaptop, 5, 0, " kept");
    deleteOnDeskWithLaptopOffline();
    laptop.start();
    TestClient.await(
        "the laptop's copy stopped",
        () -> laptop.status(onLaptop).state() == SyncStatus.State.ERROR);
    assertThat(laptop.status(onLaptop).error()).contains("1 unsent");
    assertThat(laptop.text(onLaptop)).isEqualTo("hello kept");

    call(desk, () -> desk.engine.restore("doc"));
    laptop.awaitSettled();
    TestClient.await("Bob has the kept edit", () -> bob.text(onBob).equals("hello kept"));
    assertThat(laptop.status(onLaptop).state()).isEqualTo(SyncStatus.State.SYNCED);
  }

  @Test
  void purgeAndEmptyTrash_removeItForGood() throws Exception {
    deleteOnDesk();
    call(desk, () -> desk.engine.purge("doc"));
    assertThat(call(desk, () -> desk.engine.trash())).isEmpty();
    assertThat(call(desk, () -> desk.engine.emptyTrash())).isZero();
    assertThat(relay.relay().store().history().page("doc", 0, 100)).isEmpty();
    // The stopped copies keep their text.
    assertThat(bob.text(onBob)).isEqualTo("hello");
  }

  private void deleteOnDeskWithLaptopOffline() throws Exception {
    assertThat(call(desk, () -> desk.engine.delete("doc"))).isTrue();
    desk.awaitSettled();
    TestClient.await(
        "Bob's copy stopped", () -> bob.status(onBob).state() == SyncStatus.State.ERROR);
  }
}
