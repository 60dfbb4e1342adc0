package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delays_doubleUpToTheMaximumWithJitterAndResetAfterSuccess() {
    Backoff b = new Backoff(100, 1600, new Random(3));
    long[] steps = {100, 200, 400, 800, 1600, 1600, 1600};
    for (long step : steps) {
      assertThat(b.nextDelayMillis()).isBetween(step / 2, step);
    }
    assertThat(b.attempts()).isEqualTo(steps.length);
    b.reset();
    assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
  }

  @Test
  void jitter_spreadsClientsCutOffTogether() {
    Set<Long> delays = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      Backoff b = new Backoff(1000, 30_000, new Random(seed));
      b.nextDelayMillis();
      delays.add(b.nextDelayMillis());
    }
    assertThat(delays).hasSizeGreaterThan(10);
  }

  @Test
  void manyAttempts_neverOverflow() {
    Backoff b = new Backoff(250, 30_000, new Random(1));
    for (int i = 0; i < 100; i++) {
      assertThat(b.nextDelayMillis()).isBetween(1L, 30_000L);
    }
  }

  @Test
  void badBounds_areRefused() {
    assertThatThrownBy(() -> new Backoff(0, 10, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 5, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
