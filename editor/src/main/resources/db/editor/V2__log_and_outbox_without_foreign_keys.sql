-- Quire local profile schema, version 2: the two tables written in bulk while syncing lose their
-- foreign keys. In H2 each foreign key keeps its own index and checks the parent row on every
-- insert, which made an insert or delete of a log or outbox row about twice as expensive (10,000
-- rows: 330 against 150 ms). Only the store writes these tables, and it removes a document's rows
-- together with the document (LocalStore.deleteDocument). See docs/adr/0004-profile-bulk-writes.md.

CREATE TABLE revisions_v2 (
  doc_id        VARCHAR(64)       NOT NULL,
  revision      BIGINT            NOT NULL,
  base_revision BIGINT            NOT NULL,
  batch_first   BIGINT            NOT NULL,
  author        VARCHAR(128)      NOT NULL,
  client_id     VARCHAR(128)      NOT NULL,
  batch_seq     BIGINT            NOT NULL,
  created_at    BIGINT            NOT NULL,
  text_length   INT               NOT NULL,
  operation     CHARACTER VARYING NOT NULL,
  original      CHARACTER VARYING,
  PRIMARY KEY (doc_id, revision)
);
INSERT INTO revisions_v2 SELECT * FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_v2 RENAME TO revisions;

CREATE TABLE pending_ops_v2 (
  doc_id    VARCHAR(64)       NOT NULL,
  seq       BIGINT            NOT NULL,
  operation CHARACTER VARYING NOT NULL,
  made_at   BIGINT            NOT NULL,
  PRIMARY KEY (doc_id, seq)
);
INSERT INTO pending_ops_v2 SELECT * FROM pending_ops;
DROP TABLE pending_ops;
ALTER TABLE pending_ops_v2 RENAME TO pending_ops;
