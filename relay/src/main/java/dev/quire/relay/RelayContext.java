package dev.quire.relay;

import dev.quire.relay.store.GroupCommitter;
import dev.quire.relay.store.RelayStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** What the parts of a running relay share. */
record RelayContext(
    RelayConfig config,
    RelayStore store,
    GroupCommitter committer,
    RelayMetrics metrics,
    ExecutorService pool,
    ScheduledExecutorService timer,
    AtomicInteger pendingTasks,
    AtomicInteger openDocuments) {

  /** The user everybody is in open mode. */
  static final String GUEST = "guest";
}
