package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Notes in batches (protocol 5): stored with the batch, served as sent, checked when readable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NotesTest {
  private static final String COMMENT =
      "[{\"kind\":\"comment\",\"id\":\"ca-1\",\"from\":0,\"to\":2,\"text\":\"why?\"},"
          + "{\"kind\":\"version\",\"name\":\"sent to the client\"}]";

  @TempDir Path dir;

  private static WireBatch withNotes(WireBatch b, String notes) {
    return new WireBatch(
        b.clientId(), b.batchSeq(), b.baseRevision(), b.operations(), b.madeAt(), notes);
  }

  @Test
  void readableRelay_storesAndServesNotes_acrossARestart_andDedupesOnThem() throws Exception {
    String token;
    WireBatch first = withNotes(append("ca", 1, 0, 0, "hi"), COMMENT);
    try (Relay relay = RelayFixture.start(dir)) {
      token = relay.store().users().add("alice");
      TestClient alice = TestClient.login(relay.port(), token, "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", first));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      alice.send(new ClientMessage.Submit("doc", first)); // resent: the same batch
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      // The same client and sequence number with other notes is another batch.
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "hi")));
      alice.expectError(ErrorCode.BATCH_CONFLICT);
      alice.close();
    }
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice =
          TestClient.login(relay.port(), relay.store().users().issueToken("alice"), "ca");
      List<WireSequenced> all = RelayFixture.openAll(alice, "doc", 0);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).batch().notes()).isEqualTo(COMMENT);
      assertThat(all.get(0).batch().toBatch().notes()).hasSize(2);
      alice.close();
    }
  }

  @Test
  void readableRelay_refusesMalformedNotes_andStoresNothing() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      String blank = "[{\"kind\":\"reply\",\"id\":\"r\",\"comment\":\"c\",\"text\":\" \"}]";
      alice.send(new ClientMessage.Submit("doc", withNotes(append("ca", 1, 0, 0, "a"), blank)));
      assertThat(alice.expectError(ErrorCode.MALFORMED).message())
          .contains("batch.notes[0]")
          .contains("must not be blank");
      alice.send(new ClientMessage.Submit("doc", withNotes(append("ca", 1, 0, 0, "a"), "{}")));
      assertThat(alice.expectError(ErrorCode.MALFORMED).message()).contains("notes");
      assertThat(RelayFixture.openAll(alice, "doc", 0)).isEmpty();
      alice.close();
    }
  }

  @Test
  void readableRelay_checksTheRemovalOfAVersionName_likeEveryNote() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      String noRevision = "[{\"kind\":\"removeVersion\",\"name\":\"draft\"}]";
      alice.send(
          new ClientMessage.Submit("doc", withNotes(append("ca", 1, 0, 0, "a"), noRevision)));
      assertThat(alice.expectError(ErrorCode.MALFORMED).message())
          .contains("batch.notes[0].revision is missing");
      String removal = "[{\"kind\":\"removeVersion\",\"name\":\"draft\",\"revision\":0}]";
      alice.send(new ClientMessage.Submit("doc", withNotes(append("ca", 1, 0, 0, "a"), removal)));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      assertThat(RelayFixture.openAll(alice, "doc", 0).get(0).batch().notes()).isEqualTo(removal);
      alice.close();
    }
  }

  @Test
  void opaqueRelay_keepsAnyNotesArrayAsSent() throws Exception {
    String sealed = "[\"c2VhbGVk\"]";
    try (Relay relay = RelayFixture.start(dir, b -> b.opaque(true))) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      WireBatch b = new WireBatch("ca", 1, 0, List.of("\"c2VhbGVk\""), 1_000L, sealed);
      alice.send(new ClientMessage.Submit("doc", b));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
      assertThat(RelayFixture.openAll(alice, "doc", 0).get(0).batch()).isEqualTo(b);
      alice.close();
    }
  }
}
