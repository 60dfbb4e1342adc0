/**
 * What a document's history is hashed and signed as, shared by the relay (which signs checkpoints
 * of it) and the editor (which writes and verifies history files): {@link HistoryChain} is the
 * canonical form of a revision and the chain of their hashes, {@link Ed25519} the JDK's signatures.
 */
@NullMarked
package dev.quire.ot.history;

import org.jspecify.annotations.NullMarked;
