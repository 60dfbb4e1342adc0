package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay refuses a batch with {@code FORBIDDEN} (the user became a viewer after the last
 * listing): the client takes the viewer role and holds the edit, sending it neither again on this
 * connection nor on the next, and the document is not in {@code error}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubmitForbiddenTest {
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

  private long submits() {
    return fake.received.stream().filter(ClientMessage.Submit.class::isInstance).count();
  }

  @Test
  void aSubmitRefusedForTheRole_isHeld_notRetried_notAnError() throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(BadRelayTest.welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              if (m instanceof ClientMessage.Submit) {
                return List.of(
                    FakeRelay.encode(
                        ServerMessage.Error.of(
                            ErrorCode.FORBIDDEN,
                            "alice is viewer of doc; this needs editor",
                            null,
                            null)));
              }
              return List.of();
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    client.store.setRelayRole("doc", Role.EDITOR).get();
    DocumentSession s = client.open("doc");
    client.edit(s, 0, 0, "mine");
    client.start();
    TestClient.await(
        "held: " + client.status(s).describe(),
        () -> client.status(s).state() == SyncStatus.State.REFUSED);

    assertThat(client.onOwner(s::readOnly)).isTrue();
    assertThat(client.store.relayRole("doc").get()).contains(Role.VIEWER);
    assertThat(client.text(s)).isEqualTo("mine");
    assertThat(client.onOwner(s::unacknowledged)).isEqualTo(1);
    assertThat(client.problems).anyMatch(p -> p.contains("made you a viewer"));
    assertThat(submits()).isEqualTo(1);

    client.stop();
    client.start();
    TestClient.await("connected again", () -> fake.connections.size() >= 2);
    TestClient.await(
        "held again: " + client.status(s).describe(),
        () -> client.status(s).state() == SyncStatus.State.REFUSED);
    assertThat(submits()).isEqualTo(1);
    assertThat(client.store.document("doc").get().orElseThrow().syncError()).isNull();
  }

  @Test
  void discard_isRefused_whileAnEditorsBatchIsInFlight_forTheRelayMayHaveTakenIt()
      throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(BadRelayTest.welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(new ServerMessage.History(o.doc(), List.of(), 0, true)));
              }
              return List.of(); // a submit is never answered: it stays in flight
            });
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    client.store.setRelayRole("doc", Role.EDITOR).get();
    DocumentSession s = client.open("doc");
    client.edit(s, 0, 0, "mine");
    client.start();
    TestClient.await("the batch sent", () -> submits() == 1);

    assertThatThrownBy(() -> client.onOwner(s::discardUnsent))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the relay may have taken them");
    assertThat(client.text(s)).isEqualTo("mine");
    assertThat(client.onOwner(s::unacknowledged)).isEqualTo(1);
  }
}
