-- The key on each batch's sender (document, author, client id, batch seq) becomes a plain index on
-- (document, client id, batch seq), narrower: a client id belongs to one user (client_ids), and
-- the lookup still compares the author. H2 checks a unique index on every insert with two searches
-- of its own, a fifth of the commit thread's work under load. The relay is the only writer of
-- this database and recognises a resent batch before appending it (each client's latest batch in
-- latest_batches, this index for older ones); a second batch at one revision is still refused by
-- the unique index on (document, first revision), which also lets a replayed journal skip a batch
-- H2 holds already, and by the conditional update of the document's head.
CREATE INDEX batches_by_client ON batches (doc_id, client_id, batch_seq);
ALTER TABLE batches DROP PRIMARY KEY;
