/**
 * What the relay persists, as interfaces, and their embedded implementation. {@link
 * dev.quire.relay.store.RelayStorage} gives access to users and tokens ({@link
 * dev.quire.relay.store.UserStore}), documents and roles ({@link
 * dev.quire.relay.store.DocumentStore}), each document's history ({@link
 * dev.quire.relay.store.HistoryStore}), client ids ({@link dev.quire.relay.store.ClientIdStore}),
 * the append path ({@link dev.quire.relay.store.BatchAppender}: append at an expected head;
 * committed, conflict, duplicate or failed) and the notices between relay processes ({@link
 * dev.quire.relay.store.DocumentFeed}). {@link dev.quire.relay.store.EmbeddedStorage} keeps them in
 * a data directory: an embedded H2 database opened exclusively, its schema maintained by Flyway
 * migrations in {@code db/relay/}, and a journal that makes appends durable in groups.
 */
package dev.quire.relay.store;
