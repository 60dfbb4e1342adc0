package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.TrashedDocument;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.DocumentStore.TrashRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users' trash beyond one document: listing it, emptying it, and purging what stayed longer
 * than the relay's retention ({@link RelayConfig#trashRetentionMillis}). Restoring and purging one
 * document run on that document's actor ({@link DocumentAdmin}); these run on the loader threads,
 * purging through the store, whose purge is one conditional change, so they never undo a restore
 * that came first. Each purge is announced on the feed, and to the documents in memory here ({@code
 * purged}), which read the document again when next asked.
 */
final class TrashBin {
  private static final Logger log = LoggerFactory.getLogger(TrashBin.class);

  /** At least the bytes of a listed document besides its id and title: names and numbers. */
  private static final int DOCUMENT_FIELDS_BYTES = 120;

  /** The longest between two looks for documents due for purging. */
  static final long MAX_SWEEP_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private final RelayContext ctx;
  private final Consumer<String> purged;

  TrashBin(RelayContext ctx, Consumer<String> purged) {
    this.ctx = ctx;
    this.purged = purged;
    long every = sweepIntervalMillis(ctx.config().trashRetentionMillis());
    ctx.timer().scheduleWithFixedDelay(this::sweepLater, every, every, TimeUnit.MILLISECONDS);
    try {
      ctx.loadPool().execute(this::finishPurges);
    } catch (RejectedExecutionException e) {
      // stopping: the next start finishes them
    }
  }

  /**
   * Finishes the purges a stop cut short: their documents' history rows go. Their rows said they
   * were purged before this relay started, so none is held here; other relays sharing the storage
   * hear of each once more.
   */
  void finishPurges() {
    try {
      for (String doc : ctx.store().documents().finishPurges()) {
        log.info("Purged document {}: the rest of its history, left when the relay stopped", doc);
        ctx.store().feed().changed(doc);
      }
    } catch (RuntimeException e) { // tried again at the next start
      log.warn("Finishing interrupted purges failed: {}", e.getMessage());
    }
  }

  /** How often to look for documents due: often enough that none stays long past its time. */
  static long sweepIntervalMillis(long retentionMillis) {
    return Math.max(100, Math.min(MAX_SWEEP_INTERVAL_MILLIS, retentionMillis / 2));
  }

  /** Answers {@code trash}: the user's trash after {@code after}, as much as fits a message. */
  void list(Session s, String rid, String after) {
    try {
      long retention = ctx.config().trashRetentionMillis();
      long room = ctx.config().limits().maxMessageBytes() - WireSequenced.PAGE_OVERHEAD_BYTES;
      List<TrashedDocument> page = new ArrayList<>();
      boolean complete = true;
      for (TrashRow r : ctx.store().documents().trash(s.user())) {
        if (after != null && r.id().compareTo(after) <= 0) {
          continue; // listed in id order: these came in an earlier page
        }
        room -=
            Dispatcher.Utf8.jsonLength(r.id())
                + Dispatcher.Utf8.jsonLength(r.title())
                + (r.sealedTitle() == null
                    ? 0
                    : Dispatcher.SEALED_TITLE_BYTES + r.sealedTitle().sealed().length())
                + DOCUMENT_FIELDS_BYTES;
        if (room < 0 && !page.isEmpty()) {
          complete = false;
          break;
        }
        page.add(
            new TrashedDocument(
                r.id(),
                r.title(),
                r.head(),
                r.deletedMillis(),
                r.deletedMillis() + retention,
                r.sealedTitle()));
      }
      s.answer(rid, new ServerMessage.Trash(page, complete));
    } catch (RuntimeException e) { // the storage failed: the request is answered all the same
      log.error("Listing the trash failed", e);
      s.error(
          ErrorCode.INTERNAL,
          "the relay could not list the trash",
          new RequestHeader(rid, "trash", null));
    }
  }

  /** Answers {@code emptyTrash}: purges every document in the user's trash. */
  void empty(Session s, String rid) {
    long count = 0;
    try {
      for (TrashRow r : ctx.store().documents().trash(s.user())) {
        if (purge(r.id())) {
          count++;
        }
      }
    } catch (RuntimeException e) { // the storage failed: the request is answered all the same
      log.error("Emptying the trash of {} failed", s.user(), e);
      s.error(
          ErrorCode.INTERNAL,
          "the relay could not empty the trash (" + count + " document(s) purged)",
          new RequestHeader(rid, "emptyTrash", null));
      return;
    }
    s.answer(rid, new ServerMessage.TrashEmptied(count));
  }

  private void sweepLater() {
    try {
      ctx.loadPool().execute(this::sweep);
    } catch (RejectedExecutionException e) {
      // stopping: the next start sweeps
    }
  }

  /** Purges the documents deleted longer ago than the retention. */
  void sweep() {
    try {
      long cutoff = System.currentTimeMillis() - ctx.config().trashRetentionMillis();
      for (String doc : ctx.store().documents().deletedBefore(cutoff)) {
        if (purge(doc)) {
          log.info("Purged document {}: in the trash longer than the retention", doc);
        }
      }
    } catch (RuntimeException e) { // a timer task that throws would never run again
      log.warn("Purging the trash failed (tried again later): {}", e.getMessage());
    }
  }

  private boolean purge(String doc) {
    if (!ctx.store().documents().purge(doc, System.currentTimeMillis())) {
      return false; // restored or purged meanwhile
    }
    ctx.store().feed().changed(doc);
    purged.accept(doc);
    return true;
  }
}
