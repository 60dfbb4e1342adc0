/**
 * A document's whole history as a file anyone can check (docs/history-format.md): {@link
 * HistoryWriter} writes it, {@link HistoryReader} reads it record by record with bounded memory,
 * {@link HistoryVerifier} recomputes its hash chain, replays it and checks its signatures, {@link
 * HtmlTimeline} renders a history for people. Nothing here touches the store or the network.
 */
package dev.quire.editor.history;
