/**
 * The relay's data directory: an embedded H2 database opened exclusively, its schema maintained by
 * Flyway migrations in {@code db/relay/}. {@link dev.quire.relay.store.RelayStore} gives access to
 * users and tokens ({@link dev.quire.relay.store.UserStore}), documents and roles ({@link
 * dev.quire.relay.store.DocumentStore}) and each document's history ({@link
 * dev.quire.relay.store.HistoryStore}). Every write is one transaction, written through to the file
 * before it returns.
 */
package dev.quire.relay.store;
