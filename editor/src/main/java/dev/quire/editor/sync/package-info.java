/**
 * The sync engine: {@link dev.quire.editor.sync.DocumentSession} (one open document: its text, its
 * {@code ClientSync}, its outbox and collaborators' carets) and {@link
 * dev.quire.editor.sync.SyncEngine} (one relay connection for all open documents: hello, catch-up,
 * one batch in flight per document, reconnect with backoff and jitter). {@code DocumentLink} is one
 * document's protocol conversation, {@code RelayConnection} the WebSocket, {@code RelayRotation}
 * which of several relay addresses to try next, {@code LocalLog} the log window held in memory,
 * {@code Presences} the carets.
 *
 * <p>Threading: an owner thread (the Swing event thread, or an {@link
 * dev.quire.editor.sync.OwnerThread} in headless mode) owns every session and the engine; network
 * threads only decode and hand over; the store works on its own thread. See {@code docs/cli.md}.
 */
package dev.quire.editor.sync;
