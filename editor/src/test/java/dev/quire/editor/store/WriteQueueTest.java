package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An error on the store's thread (the heap running out while a large history is read or written)
 * fails the work that met it, so its caller reports it instead of waiting for ever.
 */
class WriteQueueTest {
  private Connection connection;
  private ExecutorService executor;
  private WriteQueue queue;

  @BeforeEach
  void open() throws Exception {
    connection = DriverManager.getConnection("jdbc:h2:mem:");
    connection.setAutoCommit(false);
    executor = Executors.newSingleThreadExecutor();
    queue = new WriteQueue(connection, executor);
  }

  @AfterEach
  void close() throws Exception {
    executor.shutdownNow();
    connection.close();
  }

  @Test
  void anErrorInARead_failsThatRead_andTheNextReadWorks() throws Exception {
    CompletableFuture<Integer> failed =
        queue.read(
            c -> {
              throw new OutOfMemoryError("Java heap space");
            });
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("Java heap space");
    assertThat(queue.read(c -> 7).get(10, TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void anErrorInAWrite_failsItAndRefusesLaterWrites() throws Exception {
    CompletableFuture<Void> failed =
        queue.submit(
            (c, skip) -> {
              throw new OutOfMemoryError("Java heap space");
            });
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("Java heap space");
    assertThatThrownBy(() -> queue.submit((c, skip) -> {}).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StoreException.class);
  }
}
