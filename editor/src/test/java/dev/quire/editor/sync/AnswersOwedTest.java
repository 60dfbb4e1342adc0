package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose answer the connection loses (members, the trash) fails with that reason instead
 * of waiting forever, and {@link SyncEngine#whenConnected} says when to ask again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnswersOwedTest {
  @TempDir Path dir;

  @Test
  void membersAndTrash_failWhenTheConnectionIsLostBeforeTheAnswer() throws Exception {
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"));
        HoldingProxy proxy = new HoldingProxy(relay.uri().getPort())) {
      String token = relay.user("alice");
      relay.document("doc", "alice");
      try (TestClient alice = new TestClient(dir.resolve("alice"), proxy.uri(), token, "alice")) {
        alice.addRemoteDocument("doc");
        alice.open("doc");
        alice.start();
        alice.awaitSettled();
        proxy.holdReplies();
        CompletableFuture<?> members = alice.owner.call(() -> alice.engine.members("doc"));
        CompletableFuture<?> trash = alice.owner.call(() -> alice.engine.trash());
        proxy.cut();
        for (CompletableFuture<?> f : java.util.List.of(members, trash)) {
          assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
              .isInstanceOf(ExecutionException.class)
              .hasMessageContaining("connection to the relay was lost");
        }
        CompletableFuture<Void> back = alice.owner.call(() -> alice.engine.whenConnected());
        assertThat(back).isNotDone();
      }
    }
  }

  @Test
  void whenConnected_completesAtTheNextWelcome() throws Exception {
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      relay.document("doc", "alice");
      try (TestClient alice = new TestClient(dir.resolve("alice"), relay.uri(), token, "alice")) {
        alice.addRemoteDocument("doc");
        alice.open("doc");
        alice.start();
        alice.awaitSettled();
        assertThat(alice.owner.call(() -> alice.engine.whenConnected())).isDone();
        relay.stop();
        TestClient.await("offline", () -> !alice.onOwner(alice.engine::isConnected));
        CompletableFuture<Void> back = alice.owner.call(() -> alice.engine.whenConnected());
        assertThat(back).isNotDone();
        relay.restart();
        back.get(60, TimeUnit.SECONDS);
        assertThat(alice.onOwner(alice.engine::isConnected)).isTrue();
      }
    }
  }
}
