package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches the part of an encrypted document's ciphertext chain that a profile does not keep (it
 * received those revisions before it kept ciphertext) from the profile's relay, and keeps it. Each
 * batch the relay sends must be the one the profile's history holds at its revision (same author,
 * device, batch number, base revision and size): the relay cannot slip in another history. The
 * relay's signatures of the chain from there are fetched too.
 */
final class SealedBackfill {
  /** How long to wait for the relay's welcome, and then for each page of the history. */
  static final long WAIT_SECONDS = 20;

  private SealedBackfill() {}

  /**
   * Fetches revisions {@code from..} the document's head from the relay and keeps their batches.
   *
   * @return null when done, or why the relay could not give them (no relay, unreachable, refused)
   */
  static String fetch(LocalStore store, LocalDocument d, long from) {
    SyncEngine.Config config = new RelayOptions().config(store, false);
    if (config == null) {
      return "this profile has no relay to fetch it from";
    }
    List<CompletableFuture<Void>> saved = new ArrayList<>();
    String[] mismatch = {null};
    AtomicLong lastPage = new AtomicLong(System.nanoTime());
    try (OwnerThread owner = OwnerThread.start("quire-backfill")) {
      SyncEngine engine = new SyncEngine(store, owner, config);
      try {
        owner.run(engine::start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!owner.call(engine::isConnected)) {
          String offline = owner.call(engine::offlineReason);
          if (offline != null) {
            return "the relay could not be reached: " + offline;
          }
          if (System.nanoTime() > deadline) {
            return "the relay did not welcome this profile within " + WAIT_SECONDS + " s";
          }
          Thread.sleep(50);
        }
        CompletableFuture<Void> read =
            owner.call(
                () ->
                    engine.readHistory(
                        d.id(),
                        from,
                        d.head(),
                        page -> {
                          lastPage.set(System.nanoTime());
                          List<WireSequenced> keep = new ArrayList<>();
                          for (WireSequenced b : page) {
                            if (b.lastRevision() > d.head() || b.lastRevision() < from) {
                              continue; // after this copy's head, or kept already
                            }
                            String differs = differs(store, d, b);
                            if (differs != null) {
                              mismatch[0] = differs;
                              return;
                            }
                            keep.add(b);
                          }
                          if (mismatch[0] == null) {
                            saved.add(store.saveSealedBatches(d.id(), keep));
                          }
                        }));
        while (true) { // a long history takes many pages: wait as long as they come
          try {
            read.get(1, TimeUnit.SECONDS);
            break;
          } catch (TimeoutException e) {
            if (System.nanoTime() - lastPage.get() > TimeUnit.SECONDS.toNanos(WAIT_SECONDS)) {
              throw e;
            }
          }
        }
        if (mismatch[0] == null) {
          // and the relay's signatures of that chain, which a copy synced back then may lack
          owner
              .call(() -> engine.readSignatures(d.id(), from - 1))
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        for (CompletableFuture<Void> s : saved) {
          ProfileCommand.await(s);
        }
        return mismatch[0];
      } catch (ExecutionException e) {
        return String.valueOf(e.getCause().getMessage());
      } catch (TimeoutException e) {
        return "the relay sent no page of the history for " + WAIT_SECONDS + " s";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.FAILED, "interrupted");
      } finally {
        owner.run(engine::stop);
        engine.close();
      }
    }
  }

  private static String differs(LocalStore store, LocalDocument d, WireSequenced b) {
    return differs(
        ProfileCommand.await(store.revisions(d.id(), b.firstRevision(), b.lastRevision() + 1)), b);
  }

  /**
   * Why {@code b} is not the batch this profile's history holds at its revisions, or null.
   *
   * @param mine the profile's revisions from {@code b}'s first to the one after its last
   */
  static String differs(List<Revision> mine, WireSequenced b) {
    WireBatch w = b.batch();
    Revision first = mine.isEmpty() ? null : mine.get(0);
    long inBatch = mine.stream().filter(r -> r.batchFirst() == b.firstRevision()).count();
    if (first == null
        || first.revision() != b.firstRevision()
        || first.batchFirst() != b.firstRevision()
        || !first.author().equals(b.author())
        || !first.clientId().equals(w.clientId())
        || first.batchSeq() != w.batchSeq()
        || first.baseRevision() != w.baseRevision()
        || inBatch != w.size()) {
      return "the relay's batch at revision "
          + b.firstRevision()
          + " is not the one this profile's history holds there; nothing of it was kept";
    }
    return null;
  }
}
