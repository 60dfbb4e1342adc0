package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay's stop lets a task that is running end instead of interrupting it: an interrupt inside
 * H2's file I/O closes H2's file channel for the whole database, and a relay started again on the
 * same directory in the same JVM then found it broken (RecoveryTest, once).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StopWithoutInterruptingTest {
  @Test
  void aRunningTask_endsUninterrupted_andTheStopWaitsForIt() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean finished = new AtomicBoolean();
    executor.execute(
        () -> {
          started.countDown();
          try {
            release.await(); // a task in the middle of its work, e.g. a document being read
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
          finished.set(true);
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Thread stopper = new Thread(() -> Relay.stopWithoutInterrupting(executor), "stopper");
    stopper.start();
    // The stop has taken its last step before any interrupt: it waits for the running task.
    while (Arrays.stream(stopper.getStackTrace())
        .noneMatch(f -> f.getMethodName().equals("awaitTermination"))) {
      assertThat(stopper.isAlive()).as("the stop returned while the task still ran").isTrue();
      Thread.onSpinWait(); // bounded by the class's timeout
    }
    assertThat(executor.isShutdown()).isTrue();
    release.countDown();
    stopper.join(10_000);
    assertThat(stopper.isAlive()).isFalse();
    assertThat(interrupted).isFalse();
    assertThat(finished).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }
}
