package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A command's connection to the profile's relay for requests the relay answers at once (`trash`,
 * `devices`): sync started, connected within the command's timeout or refused with the reason,
 * asked, then stopped with what it wrote to the profile flushed. Each failure is a {@link
 * CliException} in words for the user.
 */
final class RelayRequests implements AutoCloseable {
  private final LocalStore store;
  private final OwnerThread owner;
  private final SyncEngine engine;
  private final int timeoutSeconds;
  private final long deadline; // System.nanoTime() by which the whole command gives up

  private RelayRequests(
      LocalStore store, OwnerThread owner, SyncEngine engine, int timeoutSeconds) {
    this.store = store;
    this.owner = owner;
    this.engine = engine;
    this.timeoutSeconds = timeoutSeconds;
    this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
  }

  /** Starts sync with the relay of {@code config} and waits until it is connected. */
  static RelayRequests connect(LocalStore store, SyncEngine.Config config, int timeoutSeconds)
      throws InterruptedException {
    OwnerThread owner = OwnerThread.start("quire-owner");
    SyncEngine engine;
    try {
      engine = new SyncEngine(store, owner, config);
    } catch (RuntimeException e) {
      owner.close();
      throw e;
    }
    RelayRequests r = new RelayRequests(store, owner, engine, timeoutSeconds);
    try {
      owner.run(engine::start);
      r.awaitConnected();
      return r;
    } catch (InterruptedException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  OwnerThread owner() {
    return owner;
  }

  SyncEngine engine() {
    return engine;
  }

  int timeoutSeconds() {
    return timeoutSeconds;
  }

  /** Whether the command's time is up. */
  boolean pastDeadline() {
    return System.nanoTime() > deadline;
  }

  /** The relay's answer to the request {@code ask} sends, within the timeout. */
  <T> T answer(Function<SyncEngine, CompletableFuture<T>> ask) throws InterruptedException {
    try {
      return owner.call(() -> ask.apply(engine)).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CliException(ExitCodes.FAILED, e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new CliException(ExitCodes.FAILED, "the relay did not answer");
    }
  }

  private void awaitConnected() throws InterruptedException {
    while (!owner.call(engine::isConnected)) {
      String fatal = owner.call(engine::fatalError);
      if (fatal != null) {
        throw new CliException(ExitCodes.FAILED, fatal);
      }
      if (pastDeadline()) {
        String why = owner.call(engine::offlineReason);
        throw new CliException(
            ExitCodes.FAILED,
            "not connected to the relay after "
                + timeoutSeconds
                + " s"
                + (why == null ? "" : ": " + why));
      }
      Thread.sleep(20); // bounded poll (deadline above): the engine signals no one thread
    }
  }

  @Override
  public void close() {
    try (owner) {
      owner.run(engine::stop);
      engine.close();
      ProfileCommand.await(store.flush());
    }
  }
}
