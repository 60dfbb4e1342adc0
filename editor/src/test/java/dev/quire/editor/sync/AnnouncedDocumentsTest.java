package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Documents the relay announces reach the profile at once, without another listing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnnouncedDocumentsTest {
  @TempDir Path dir;
  private FakeRelay fake;
  private TestClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (fake != null) {
      fake.shutDown();
    }
  }

  /** A relay that lists nothing: whatever the client gets, it gets from the announcement. */
  private void startClient() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(
                    ProtocolCodec.encode(
                        new ServerMessage.Welcome(
                            ProtocolCodec.VERSION,
                            "bob",
                            "s1",
                            false,
                            TestRelay.LIMITS,
                            "fake-relay")));
              }
              if (m instanceof ClientMessage.ListDocuments) {
                return List.of(FakeRelay.encode(new ServerMessage.Documents(List.of())));
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "bob");
    // Syncing every document is asked before connecting, so the listing at the welcome is the only
    // one: asked after a welcome already in, it would list a second time.
    client.owner.call(client.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    client.start();
    TestClient.await(
        "the listing at connect", () -> fake.count(ClientMessage.ListDocuments.class) == 1);
  }

  private void announce(ServerMessage m) {
    for (WebSocket conn : fake.getConnections()) {
      conn.send(ProtocolCodec.encode(m));
    }
  }

  @Test
  void aSharedDocument_isAddedAndOpened_withoutAnotherListing() throws Exception {
    startClient();
    announce(
        new ServerMessage.Available(
            new DocumentInfo("shared", "Shared notes", 5, 0, 5, Role.EDITOR)));
    TestClient.await(
        "the document in the profile", () -> client.store.document("shared").join().isPresent());
    TestClient.await(
        "the document opened on the relay",
        () ->
            fake.received.stream()
                .anyMatch(m -> m instanceof ClientMessage.Open o && o.doc().equals("shared")));
    assertThat(client.store.document("shared").join().orElseThrow().title())
        .isEqualTo("Shared notes");
    assertThat(fake.count(ClientMessage.ListDocuments.class))
        .as("lists only at connect")
        .isEqualTo(1);
    assertThat(client.problems).isEmpty();
  }

  @Test
  void anUnavailableDocument_stopsSyncing_andTheLocalCopyIsKept() throws Exception {
    startClient();
    announce(
        new ServerMessage.Available(
            new DocumentInfo("shared", "Shared notes", 5, 0, 5, Role.EDITOR)));
    TestClient.await(
        "the document opened on the relay",
        () ->
            fake.received.stream()
                .anyMatch(m -> m instanceof ClientMessage.Open o && o.doc().equals("shared")));
    DocumentSession s = client.open("shared");
    TestClient.await("live", () -> client.status(s).state() == SyncStatus.State.SYNCED);
    announce(new ServerMessage.Unavailable("shared"));
    TestClient.await(
        "sync of the document stopped", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.problems).anyMatch(p -> p.contains("stopped sending this document"));
    assertThat(client.store.document("shared").join()).isPresent();
    assertThat(fake.count(ClientMessage.ListDocuments.class)).isEqualTo(1);
  }
}
