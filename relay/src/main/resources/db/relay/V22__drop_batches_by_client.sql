-- Quire relay schema, version 22: batches loses its index on (document, client id, batch seq).
-- Every sequenced batch is a row of batches, and each index of the table is one more B-tree
-- insert for H2's commit thread: a fresh relay's CPU per acknowledged operation fell by about a
-- sixth without this one (docs/adr/0006-relay-journal.md). It served one lookup only: a client
-- resending a batch older than its latest (each client's latest is in latest_batches, held in
-- memory), which a client that keeps one batch in flight never does. That lookup now walks the
-- document's batches in revision order (batches_by_revision), as a client's batches are.
DROP INDEX batches_by_client;
