/**
 * The stores both storages keep the same way: documents and roles ({@link
 * dev.quire.relay.store.sql.SqlDocuments}), users and tokens ({@link
 * dev.quire.relay.store.sql.SqlUsers}), client ids ({@link
 * dev.quire.relay.store.sql.SqlClientIds}), the relay's signatures ({@link
 * dev.quire.relay.store.sql.SqlSignatures}), uploaded histories ({@link
 * dev.quire.relay.store.sql.SqlUploads}), the keys of encrypted documents ({@link
 * dev.quire.relay.store.sql.SqlKeys}) and the reads of each document's history ({@link
 * dev.quire.relay.store.sql.SqlHistory}, whose subclasses read a batch's operations as their
 * storage keeps them). They reach their database through {@link
 * dev.quire.relay.store.sql.SqlDatabase}, which the embedded H2 database and PostgreSQL both
 * provide; where their SQL differs is named in {@link dev.quire.relay.store.sql.SqlDialect}.
 */
package dev.quire.relay.store.sql;
