package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayRotationTest {
  private static final URI A = URI.create("ws://a/");
  private static final URI B = URI.create("ws://b/");
  private static final URI C = URI.create("ws://c/");

  @Test
  void oneRelay_everyFailureEndsARound() {
    RelayRotation r = new RelayRotation(List.of(A));
    assertThat(r.failed("refused")).isTrue();
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.roundFailure()).isEqualTo("cannot reach ws://a/: refused");
    assertThat(r.failed("no answer")).isTrue();
    assertThat(r.roundFailure()).isEqualTo("cannot reach ws://a/: no answer");
    assertThat(r.connected()).isNull(); // nothing else was passed over
  }

  @Test
  void severalRelays_movesOnAtOnce_andTheRoundEndsWhenEachFailed() {
    RelayRotation r = new RelayRotation(List.of(A, B, C));
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.failed("refused")).isFalse();
    assertThat(r.current()).isEqualTo(B);
    assertThat(r.failed("no answer")).isFalse();
    assertThat(r.current()).isEqualTo(C);
    assertThat(r.failed("not a WebSocket")).isTrue();
    assertThat(r.current()).isEqualTo(A);
    assertThat(r.roundFailure())
        .isEqualTo(
            "cannot reach any of the 3 relays: ws://a/: refused; ws://b/: no answer;"
                + " ws://c/: not a WebSocket");
  }

  @Test
  void staysWithTheOneThatWorks_andSaysWhichWerePassedOver() {
    RelayRotation r = new RelayRotation(List.of(A, B, C));
    r.failed("refused");
    assertThat(r.current()).isEqualTo(B);
    assertThat(r.connected()).isEqualTo("ws://a/: refused");
    r.stable();
    assertThat(r.current()).isEqualTo(B);
    // B is lost later: C is next, at once; A's old failure is forgotten.
    assertThat(r.failed("closed")).isFalse();
    assertThat(r.current()).isEqualTo(C);
    assertThat(r.connected()).isEqualTo("ws://b/: closed");
  }

  @Test
  void aLostStableConnectionCountsAsTheFirstFailureOfTheNextRound() {
    RelayRotation r = new RelayRotation(List.of(A, B));
    r.connected(); // on A
    r.stable();
    assertThat(r.failed("closed")).isFalse(); // lost A: B at once
    assertThat(r.failed("refused")).isTrue(); // B gone too: back off, then A again
    assertThat(r.current()).isEqualTo(A);
  }

  @Test
  void relaysThatDropEachConnectionAtOnce_stillEndRounds() {
    RelayRotation r = new RelayRotation(List.of(A, B));
    r.connected(); // on A, dropped before it was stable
    assertThat(r.failed("closed")).isFalse();
    r.connected(); // on B, dropped too
    assertThat(r.failed("closed")).isTrue(); // back off instead of hopping between them
  }
}
