/**
 * Sync as pure state machines, no threads and no I/O: the {@link dev.quire.ot.sync.Canonicaliser}
 * every replica runs to agree on each revision, the client side ({@link
 * dev.quire.ot.sync.ClientSync}, with the bulk rebase of an offline queue in {@code QueueRebase}
 * and {@code ComposeStack}), an in-memory reference sequencer, and undo of one's own edits.
 */
package dev.quire.ot.sync;
