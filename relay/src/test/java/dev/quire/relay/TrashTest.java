package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.TrashedDocument;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trash (protocol 5): delete keeps a document, history and members included, in its owner's
 * trash, where the owner lists, restores or purges it, or empties the trash; the relay purges what
 * stayed longer than its retention.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrashTest {
  @TempDir Path dir;
  private Relay relay;
  private final List<TestClient> clients = new ArrayList<>();
  private TestClient zoe;
  private TestClient zoeLaptop;
  private TestClient bob;

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    if (relay != null) {
      relay.close();
    }
  }

  private void start(long retentionMillis, Limits limits) throws Exception {
    relay = RelayFixture.start(dir, b -> b.trashRetentionMillis(retentionMillis).limits(limits));
    String zoeToken = relay.store().users().add("zoe");
    zoe = login(zoeToken, "zoe-desk");
    zoeLaptop = login(zoeToken, "zoe-laptop");
    bob = login(relay.store().users().add("bob"), "bob-desk");
  }

  private void start() throws Exception {
    start(RelayConfig.DEFAULT_TRASH_RETENTION_MILLIS, RelayFixture.TEST_LIMITS);
  }

  private TestClient login(String token, String clientId) throws Exception {
    TestClient c = TestClient.login(relay.port(), token, clientId);
    clients.add(c);
    return c;
  }

  /** Zoe's document with one batch, Bob its editor (both of Zoe's connections told). */
  private void sharedDocumentWithHistory(String doc) throws Exception {
    RelayFixture.create(zoe, doc);
    zoeLaptop.await(ServerMessage.Available.class, a -> a.document().doc().equals(doc));
    zoe.send(new ClientMessage.Submit(doc, RelayFixture.append("zoe-desk", 1, 0, 0, "hello")));
    zoe.expectAck();
    zoe.send(new ClientMessage.Share(doc, "bob", Role.EDITOR));
    zoe.expect(ServerMessage.Shared.class);
    bob.await(ServerMessage.Available.class, a -> a.document().doc().equals(doc));
  }

  private List<TrashedDocument> trashOf(TestClient c) throws InterruptedException {
    c.send(new ClientMessage.Trash(null));
    ServerMessage.Trash t = c.expect(ServerMessage.Trash.class);
    assertThat(t.complete()).isTrue();
    return t.documents();
  }

  @Test
  void delete_keepsTheDocumentInTheOwnersTrash_andEveryMembersConnectionIsToldUnavailable()
      throws Exception {
    start();
    sharedDocumentWithHistory("doc");
    long before = System.currentTimeMillis();
    zoe.send(new ClientMessage.Delete("doc"));
    zoe.expect(ServerMessage.Deleted.class);
    bob.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));
    zoeLaptop.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));

    List<TrashedDocument> trash = trashOf(zoeLaptop);
    assertThat(trash).hasSize(1);
    TrashedDocument t = trash.get(0);
    assertThat(t.doc()).isEqualTo("doc");
    assertThat(t.title()).isEqualTo("Title of doc");
    assertThat(t.head()).isEqualTo(1);
    assertThat(t.deletedMillis()).isBetween(before, System.currentTimeMillis());
    assertThat(t.purgeAtMillis() - t.deletedMillis())
        .isEqualTo(RelayConfig.DEFAULT_TRASH_RETENTION_MILLIS);
    assertThat(trashOf(bob)).isEmpty(); // only the owner's trash holds it

    bob.send(new ClientMessage.Open("doc", 0, false));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    bob.send(new ClientMessage.ListDocuments());
    assertThat(bob.expect(ServerMessage.Documents.class).documents()).isEmpty();
  }

  @Test
  void restore_bringsBackTheHistoryAndTheMembers_announcedAvailable() throws Exception {
    start();
    sharedDocumentWithHistory("doc");
    zoe.send(new ClientMessage.Delete("doc"));
    zoe.expect(ServerMessage.Deleted.class);
    bob.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));
    bob.send(new ClientMessage.Restore("doc"));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT); // not in his trash

    zoeLaptop.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));
    zoeLaptop.send(new ClientMessage.Restore("doc"));
    ServerMessage.Restored restored = zoeLaptop.expect(ServerMessage.Restored.class);
    assertThat(restored.document().doc()).isEqualTo("doc");
    assertThat(restored.document().role()).isEqualTo(Role.OWNER);
    assertThat(restored.document().head()).isEqualTo(1);
    ServerMessage.Available forBob =
        bob.await(ServerMessage.Available.class, a -> a.document().doc().equals("doc"));
    assertThat(forBob.document().role()).isEqualTo(Role.EDITOR);
    assertThat(
            zoe.await(ServerMessage.Available.class, a -> a.document().doc().equals("doc"))
                .document()
                .role())
        .isEqualTo(Role.OWNER);
    assertThat(trashOf(zoe)).isEmpty();

    List<WireSequenced> history = RelayFixture.openAll(bob, "doc", 0);
    assertThat(history).hasSize(1);
    assertThat(history.get(0).author()).isEqualTo("zoe");
    bob.send(new ClientMessage.Submit("doc", RelayFixture.append("bob-desk", 1, 1, 5, "!")));
    assertThat(bob.expectAck().firstRevision()).isEqualTo(2);

    zoe.send(new ClientMessage.Restore("doc")); // a retried restore: answered again
    assertThat(zoe.expect(ServerMessage.Restored.class).document().head()).isEqualTo(2);
    bob.send(new ClientMessage.Restore("doc"));
    bob.expectError(ErrorCode.FORBIDDEN); // live, and only the owner restores
  }

  @Test
  void purge_removesTheDocumentForGood_onlyFromItsOwnersTrash() throws Exception {
    start();
    sharedDocumentWithHistory("doc");
    zoe.send(new ClientMessage.Purge("doc"));
    zoe.expectError(ErrorCode.FORBIDDEN); // live: delete it first
    zoe.send(new ClientMessage.Delete("doc"));
    zoe.expect(ServerMessage.Deleted.class);
    bob.await(ServerMessage.Unavailable.class, u -> u.doc().equals("doc"));
    bob.send(new ClientMessage.Purge("doc"));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);

    zoe.send(new ClientMessage.Purge("doc"));
    assertThat(zoe.expect(ServerMessage.Purged.class).doc()).isEqualTo("doc");
    zoe.send(new ClientMessage.Purge("doc")); // retried: answered again
    zoe.expect(ServerMessage.Purged.class);
    assertThat(trashOf(zoe)).isEmpty();
    zoe.send(new ClientMessage.Restore("doc"));
    zoe.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    zoe.send(new ClientMessage.Create("doc", "Again"));
    zoe.expectError(ErrorCode.DOCUMENT_EXISTS); // ids are never reused
    assertThat(relay.store().history().page("doc", 0, 100)).isEmpty();
  }

  @Test
  void emptyTrash_purgesEveryDocumentInTheUsersTrash_andNoOneElses() throws Exception {
    start();
    for (String doc : List.of("a", "b")) {
      RelayFixture.create(zoe, doc);
      zoe.send(new ClientMessage.Delete(doc));
      zoe.expect(ServerMessage.Deleted.class);
    }
    RelayFixture.create(bob, "bobs");
    bob.send(new ClientMessage.Delete("bobs"));
    bob.expect(ServerMessage.Deleted.class);

    zoe.send(new ClientMessage.EmptyTrash());
    assertThat(zoe.expect(ServerMessage.TrashEmptied.class).purged()).isEqualTo(2);
    assertThat(trashOf(zoe)).isEmpty();
    assertThat(trashOf(bob)).extracting(TrashedDocument::doc).containsExactly("bobs");
    zoe.send(new ClientMessage.EmptyTrash());
    assertThat(zoe.expect(ServerMessage.TrashEmptied.class).purged()).isZero();
  }

  @Test
  void aDocumentLongerInTheTrashThanTheRetention_isPurgedByTheRelay() throws Exception {
    start(400, RelayFixture.TEST_LIMITS);
    sharedDocumentWithHistory("doc");
    zoe.send(new ClientMessage.Delete("doc"));
    zoe.expect(ServerMessage.Deleted.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    // The row is marked purged first; its history then goes a few rows per transaction.
    while ((relay.store().documents().find("doc").orElseThrow().head() != 0
            || !relay.store().history().page("doc", 0, 100).isEmpty())
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(relay.store().documents().find("doc").orElseThrow().head()).isZero();
    assertThat(trashOf(zoe)).isEmpty();
    assertThat(relay.store().history().page("doc", 0, 100)).isEmpty();
    zoe.send(new ClientMessage.Restore("doc"));
    zoe.expectError(ErrorCode.UNKNOWN_DOCUMENT);
  }

  @Test
  void aLongTrash_comesInPagesThatFitAMessage() throws Exception {
    start(RelayConfig.DEFAULT_TRASH_RETENTION_MILLIS, new Limits(4096, 50, 10, 1000, 1000));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String doc = String.format("d%02d", i);
      ids.add(doc);
      zoe.send(new ClientMessage.Create(doc, "t".repeat(200)));
      zoe.expect(ServerMessage.Created.class);
      zoe.send(new ClientMessage.Delete(doc));
      zoe.expect(ServerMessage.Deleted.class);
    }
    List<String> listed = new ArrayList<>();
    String after = null;
    int pages = 0;
    while (true) {
      zoe.send(new ClientMessage.Trash(after));
      ServerMessage.Trash page = zoe.expect(ServerMessage.Trash.class);
      pages++;
      page.documents().forEach(d -> listed.add(d.doc()));
      if (page.complete()) {
        break;
      }
      after = page.documents().get(page.documents().size() - 1).doc();
    }
    assertThat(listed).containsExactlyElementsOf(ids);
    assertThat(pages).isGreaterThan(1);
  }
}
