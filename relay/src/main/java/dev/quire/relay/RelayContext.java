package dev.quire.relay;

import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.RelayStorage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the parts of a running relay share.
 *
 * @param pool runs the documents' executors: sequencing, never waiting on a slow read
 * @param loadPool runs reads that may be slow (waking a document, hello), off {@code pool} and the
 *     network threads
 * @param appender appends the documents' batches to the store
 * @param userSessions the connections past hello, by user: what documents announce to
 * @param signer signs checkpoints of the documents' histories with the relay's key
 */
record RelayContext(
    RelayConfig config,
    RelayStorage store,
    DocumentLoader loader,
    BatchAppender appender,
    RelayMetrics metrics,
    ExecutorService pool,
    ExecutorService loadPool,
    ScheduledExecutorService timer,
    AtomicInteger pendingTasks,
    AtomicInteger openDocuments,
    UserSessions userSessions,
    HistorySigner signer) {

  /** The user everybody is in open mode. */
  static final String GUEST = "guest";
}
