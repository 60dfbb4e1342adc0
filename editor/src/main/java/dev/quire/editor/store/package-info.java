/**
 * The local store: one H2 file per user profile ({@link dev.quire.editor.store.LocalStore}), with
 * versioned Flyway migrations from {@code db/editor/}. It holds the client id, the settings, the
 * documents, each document's canonical log with author and time of every revision, checkpoints of
 * the text every {@link dev.quire.editor.store.LocalStore#CHECKPOINT_INTERVAL} revisions, and the
 * outbox of unacknowledged local operations.
 *
 * <p>All database work runs on the store's own thread; the API answers with futures. Writes are
 * group-committed ({@code WriteQueue}). A profile that cannot be opened is refused with a {@link
 * dev.quire.editor.store.StoreOpenException} naming why, and never changed.
 */
@NullMarked
package dev.quire.editor.store;

import org.jspecify.annotations.NullMarked;
