package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The author's time of each batch ({@code madeAt}, protocol 4): stored and served as sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MadeAtTest {
  @TempDir Path dir;
  Relay relay;
  TestClient alice;

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    RelayFixture.create(alice, "doc");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void madeAt_isServedInHistoryAndLive_besideTheRelaysTimestamp() throws Exception {
    long madeAt = 1_500_000_000_000L; // long before the relay's clock
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a").withMadeAt(madeAt)));
    long stamped = alice.expectAck().timestampMillis();
    assertThat(stamped).isGreaterThan(madeAt);

    WireSequenced served = RelayFixture.openAll(alice, "doc", 0).get(0);
    assertThat(served.batch().madeAt()).isEqualTo(madeAt);
    assertThat(served.timestampMillis()).isEqualTo(stamped);

    alice.close();
    relay.close(); // and after a restart, from the database
    relay = RelayFixture.start(dir);
    alice = TestClient.login(relay.port(), relay.store().users().issueToken("alice"), "ca");
    assertThat(RelayFixture.openAll(alice, "doc", 0).get(0).batch().madeAt()).isEqualTo(madeAt);
  }

  @Test
  void madeAt_farAheadOfTheRelaysClock_isReplacedByTheRelaysTime() throws Exception {
    long future = System.currentTimeMillis() + 3 * Sequencer.MAX_MADE_AHEAD_MILLIS;
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a").withMadeAt(future)));
    long stamped = alice.expectAck().timestampMillis();
    WireSequenced served = RelayFixture.openAll(alice, "doc", 0).get(0);
    assertThat(served.batch().madeAt()).isEqualTo(stamped);
  }

  @Test
  void aResentBatch_withAnotherMadeAt_isTheSameBatch_andKeepsTheFirstTime() throws Exception {
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a").withMadeAt(5_000)));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a").withMadeAt(9_000)));
    assertThat(alice.expectAck().firstRevision()).as("acknowledged again").isEqualTo(1);
    List<WireSequenced> all = RelayFixture.openAll(alice, "doc", 0);
    assertThat(all).hasSize(1);
    assertThat(all.get(0).batch().madeAt()).isEqualTo(5_000);
  }
}
