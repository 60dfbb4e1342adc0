-- Quire relay schema, version 6: the latest batch of each (document, author, client id), kept with
-- each append, so that loading a document to recognise resent batches reads one row per client
-- instead of every batch of its history.
CREATE TABLE latest_batches (
  doc_id         VARCHAR(64)  NOT NULL REFERENCES documents (id),
  author         VARCHAR(32)  NOT NULL,
  client_id      VARCHAR(128) NOT NULL,
  batch_seq      BIGINT       NOT NULL,
  first_revision BIGINT       NOT NULL,
  op_count       INT          NOT NULL,
  created_at     BIGINT       NOT NULL,
  digest         BINARY(32)   NOT NULL,
  PRIMARY KEY (doc_id, author, client_id)
);

INSERT INTO latest_batches
  (doc_id, author, client_id, batch_seq, first_revision, op_count, created_at, digest)
SELECT b.doc_id, b.author, b.client_id, b.batch_seq, b.first_revision, b.op_count, b.created_at,
       b.digest
FROM batches b
JOIN (SELECT doc_id, author, client_id, MAX(batch_seq) AS batch_seq FROM batches
      GROUP BY doc_id, author, client_id) m
  ON b.doc_id = m.doc_id AND b.author = m.author AND b.client_id = m.client_id
 AND b.batch_seq = m.batch_seq;
