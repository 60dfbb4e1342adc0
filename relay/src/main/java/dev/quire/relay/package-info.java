/**
 * The Quire relay: a WebSocket server that authenticates editors, sequences each document's
 * batches, commits them, and fans them out. See {@code docs/relay.md} and {@code docs/protocol.md}.
 *
 * <ul>
 *   <li>{@link dev.quire.relay.Relay} starts and stops a relay from a {@link
 *       dev.quire.relay.RelayConfig}; {@link dev.quire.relay.RelayMain} is {@code ./quire relay}.
 *   <li>{@code RelayServer} is the Java-WebSocket endpoint; {@code Dispatcher} takes each message
 *       off the network thread (rate limit, size, strict decoding, hello) and hands it to
 *   <li>{@code DocumentActor}, one per document in use, which runs that document's requests one at
 *       a time on a {@code SerialExecutor}: sequence, commit, acknowledge, broadcast.
 *   <li>{@code Session} is one connection, with its bounded outgoing queue; {@code DocumentText}
 *       the head text and recent canonical operations a readable relay keeps.
 * </ul>
 */
package dev.quire.relay;
