package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocumentsTest {
  @TempDir Path dir;
  Relay relay;
  TestClient alice;
  TestClient bob;

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    bob = TestClient.login(relay.port(), relay.store().users().add("bob"), "cb");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private DocumentInfo only(TestClient c) throws InterruptedException {
    c.send(new ClientMessage.ListDocuments());
    var docs = c.expect(ServerMessage.Documents.class).documents();
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  @Test
  void create_withTheClientsId_makesTheCreatorOwner() throws Exception {
    alice.send(new ClientMessage.Create("offline-1", "Notes"));
    DocumentInfo info = alice.expect(ServerMessage.Created.class).document();
    assertThat(info.doc()).isEqualTo("offline-1");
    assertThat(info.title()).isEqualTo("Notes");
    assertThat(info.role()).isEqualTo(Role.OWNER);
    assertThat(info.head()).isZero();
    assertThat(info.createdMillis()).isPositive();
  }

  @Test
  void create_withoutId_getsOneFromTheRelay() throws Exception {
    alice.send(new ClientMessage.Create(null, "Untitled"));
    DocumentInfo info = alice.expect(ServerMessage.Created.class).document();
    assertThat(Ids.DOCUMENT_ID.matcher(info.doc()).matches()).isTrue();
  }

  @Test
  void create_retriedByItsOwner_answersTheSameDocument() throws Exception {
    alice.send(new ClientMessage.Create("d", "Notes"));
    DocumentInfo first = alice.expect(ServerMessage.Created.class).document();
    alice.send(new ClientMessage.Create("d", "Notes"));
    assertThat(alice.expect(ServerMessage.Created.class).document()).isEqualTo(first);
  }

  @Test
  void create_ofATakenId_answersTheSameWhoeverHoldsIt_withoutSayingWho() throws Exception {
    RelayFixture.create(alice, "d");
    bob.send(new ClientMessage.Create("d", "Mine"));
    ServerMessage.Error othersLive = bob.expectError(ErrorCode.DOCUMENT_EXISTS);
    RelayFixture.create(bob, "gone");
    bob.send(new ClientMessage.Delete("gone"));
    bob.expect(ServerMessage.Deleted.class);
    bob.send(new ClientMessage.Create("gone", "Again"));
    ServerMessage.Error ownDeleted = bob.expectError(ErrorCode.DOCUMENT_EXISTS);
    // The only thing learnt is that the id is taken: not whose, not whether it is deleted.
    assertThat(othersLive.message()).doesNotContain("alice");
    assertThat(othersLive.message().replace("\"d\"", "X").replace(" d ", " X "))
        .isEqualTo(ownDeleted.message().replace("\"gone\"", "X").replace(" gone ", " X "));
    assertThat(only(alice).title()).isEqualTo("Title of d");
  }

  @Test
  void list_longerThanAMessage_comesInPages_eachWithinTheMessageLimit() throws Exception {
    String title = "é".repeat(Ids.MAX_TITLE); // about 650 bytes a document on the wire
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String doc = String.format("doc-%03d", i);
      ids.add(doc);
      alice.send(new ClientMessage.Create(doc, title));
    }
    for (int i = 0; i < ids.size(); i++) {
      alice.expect(ServerMessage.Created.class);
    }
    List<String> listed = new ArrayList<>();
    int pages = 0;
    String after = null;
    while (true) {
      String id = alice.send(new ClientMessage.ListDocuments(after));
      Reply r = alice.nextReply();
      assertThat(r.id()).isEqualTo(id);
      assertThat(ProtocolCodec.encode(r).getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(RelayFixture.TEST_LIMITS.maxMessageBytes());
      ServerMessage.Documents d = (ServerMessage.Documents) r.message();
      pages++;
      d.documents().forEach(info -> listed.add(info.doc()));
      if (d.complete()) {
        break;
      }
      after = listed.get(listed.size() - 1);
    }
    assertThat(pages).isGreaterThan(1);
    assertThat(listed).isEqualTo(ids); // every document once, in id order
  }

  @Test
  void list_showsOnlyDocumentsTheUserHasARoleOn_withMetadata() throws Exception {
    RelayFixture.create(alice, "a1");
    alice.send(new ClientMessage.Submit("a1", append("ca", 1, 0, 0, "hello")));
    long acked = alice.expectAck().timestampMillis();
    RelayFixture.create(bob, "b1");
    DocumentInfo a1 = only(alice);
    assertThat(a1.doc()).isEqualTo("a1");
    assertThat(a1.head()).isEqualTo(1);
    assertThat(a1.lastChangeMillis()).isEqualTo(acked);
    assertThat(only(bob).doc()).isEqualTo("b1");
  }

  @Test
  void rename_changesTheTitleAndTellsSubscribers() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Open("d", 0, false));
    bob.expect(ServerMessage.History.class);
    alice.send(new ClientMessage.Rename("d", "Better"));
    assertThat(alice.expect(ServerMessage.Renamed.class).title()).isEqualTo("Better");
    assertThat(bob.expect(ServerMessage.Renamed.class).title()).isEqualTo("Better");
    assertThat(only(alice).title()).isEqualTo("Better");
  }

  @Test
  void rename_byAViewer_isForbidden() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Rename("d", "Hijacked"));
    bob.expectError(ErrorCode.FORBIDDEN);
    assertThat(only(alice).title()).isEqualTo("Title of d");
  }

  @Test
  void delete_byTheOwner_removesItFromListsAndUnsubscribes() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Open("d", 0, false));
    bob.expect(ServerMessage.History.class);
    alice.send(new ClientMessage.Delete("d"));
    alice.expect(ServerMessage.Deleted.class);
    bob.expect(ServerMessage.Deleted.class);
    bob.expect(ServerMessage.Unavailable.class); // protocol 5: every member's connection is told
    alice.send(new ClientMessage.ListDocuments());
    assertThat(alice.expect(ServerMessage.Documents.class).documents()).isEmpty();
    bob.send(new ClientMessage.Submit("d", append("cb", 1, 0, 0, "x")));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    alice.send(new ClientMessage.Create("d", "Again"));
    alice.expectError(ErrorCode.DOCUMENT_EXISTS); // ids are not reused; the history is kept
  }

  @Test
  void delete_byAnEditor_isForbidden() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Delete("d"));
    bob.expectError(ErrorCode.FORBIDDEN);
  }

  @Test
  void documentWithoutARole_isUnknownToTheUser() throws Exception {
    RelayFixture.create(alice, "private");
    alice.send(new ClientMessage.Submit("private", append("ca", 1, 0, 0, "secret")));
    alice.expectAck();
    bob.send(new ClientMessage.Open("private", 0, false));
    ServerMessage.Error e = bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    assertThat(e.message()).doesNotContain("secret");
    bob.send(new ClientMessage.Open("nowhere", 0, false));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
  }

  @Test
  void documentsNobodyFollows_doNotStayInMemory() throws Exception {
    for (int i = 0; i < 50; i++) {
      bob.send(new ClientMessage.Open("probe-" + i, 0, false));
      bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
    }
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Open("d", 0, false));
    alice.expect(ServerMessage.History.class);
    awaitDocumentsInMemory(1); // the one alice follows
    alice.send(new ClientMessage.Unsubscribe("d"));
    alice.expect(ServerMessage.Unsubscribed.class);
    awaitDocumentsInMemory(0);
    alice.send(new ClientMessage.Submit("d", append("ca", 1, 0, 0, "still works")));
    alice.expectAck();
  }

  private void awaitDocumentsInMemory(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (documentsInMemory() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10); // bounded poll: nothing signals a document leaving memory
    }
    assertThat(documentsInMemory()).isEqualTo(expected);
  }

  /** The relay's {@code quire_relay_documents_in_memory} gauge. */
  private double documentsInMemory() {
    return relay.metrics().registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("quire_relay_documents_in_memory"))
        .map(m -> ((GaugeSnapshot) m).getDataPoints().get(0).getValue())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void viewer_canReadButTheirSubmitIsRefusedAndStoresNothing() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    assertThat(only(bob).role()).isEqualTo(Role.VIEWER);
    bob.send(new ClientMessage.Open("d", 0, false));
    bob.expect(ServerMessage.History.class);
    bob.send(new ClientMessage.Submit("d", append("cb", 1, 0, 0, "x")));
    bob.expectError(ErrorCode.FORBIDDEN);
    assertThat(relay.store().documents().find("d").orElseThrow().head()).isZero();
  }

  @Test
  void share_toEditor_letsThemSubmit_andNoneTakesItAway() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR));
    assertThat(alice.expect(ServerMessage.Shared.class).role()).isEqualTo(Role.EDITOR);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Submit("d", append("cb", 1, 0, 0, "x")));
    bob.expectAck();
    alice.send(new ClientMessage.Share("d", "bob", null));
    assertThat(alice.expect(ServerMessage.Shared.class).role()).isNull();
    bob.expect(ServerMessage.Unavailable.class);
    bob.send(new ClientMessage.Submit("d", append("cb", 2, 1, 1, "y")));
    bob.expectError(ErrorCode.UNKNOWN_DOCUMENT);
  }

  @Test
  void share_byANonOwner_orToAnUnknownUser_isRefused() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    bob.expect(ServerMessage.Available.class);
    bob.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    bob.expectError(ErrorCode.FORBIDDEN);
    alice.send(new ClientMessage.Share("d", "nobody", Role.VIEWER));
    alice.expectError(ErrorCode.UNKNOWN_USER);
    alice.send(new ClientMessage.Share("d", "alice", Role.VIEWER));
    alice.expectError(ErrorCode.FORBIDDEN);
  }
}
