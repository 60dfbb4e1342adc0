package dev.quire.editor.sync;

import dev.quire.ot.protocol.WireSequenced;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A document's history read from the profile in pages that each fit in one {@code upload}. */
interface UploadPages {
  /** The last revision the upload brings. */
  long head();

  /** True when every batch up to the head was handed out. */
  boolean done();

  /** The next page of whole batches; empty once {@link #done()}. */
  CompletableFuture<List<WireSequenced>> next();
}
