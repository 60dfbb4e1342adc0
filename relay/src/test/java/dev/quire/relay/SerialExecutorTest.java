package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  @Test
  void urgentTasks_runBeforeQueuedOnes_inTheirOwnOrder() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      SerialExecutor ex = new SerialExecutor(pool, new AtomicInteger());
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      List<String> order = new ArrayList<>(); // written on the executor only
      ex.execute(
          () -> {
            started.countDown();
            try {
              release.await(); // everything below is queued meanwhile
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            order.add("running");
          });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      ex.execute(() -> order.add("request 1"));
      ex.execute(() -> order.add("request 2"));
      ex.executeUrgent(() -> order.add("urgent 1"));
      ex.executeUrgent(() -> order.add("urgent 2"));
      assertThat(ex.hasQueued()).isTrue();
      ex.execute(done::countDown);
      release.countDown();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(order)
          .containsExactly("running", "urgent 1", "urgent 2", "request 1", "request 2");
      assertThat(ex.hasQueued()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }
}
