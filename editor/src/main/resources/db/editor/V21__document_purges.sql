-- Quire local profile schema, version 21: documents deleted whose rows are still being removed.
-- Deleting a document removes its documents row at once, then its log, checkpoints and outbox a
-- few megabytes per commit (DocumentPurge): in one transaction, H2 held every deleted value of a
-- document with 100 MB of history in memory. A row here says the purge of that id is not finished;
-- it is resumed when the profile opens, and the id stays taken until it is.
CREATE TABLE document_purges (
  doc_id VARCHAR(64) PRIMARY KEY
);

-- Checkpoints lose their foreign key to documents, as the log and the outbox did in version 2: the
-- documents row goes first, the checkpoints after it.
CREATE TABLE checkpoints_v21 (
  doc_id   VARCHAR(64)            NOT NULL,
  revision BIGINT                 NOT NULL,
  content  CHARACTER LARGE OBJECT NOT NULL,
  PRIMARY KEY (doc_id, revision)
);
INSERT INTO checkpoints_v21 SELECT doc_id, revision, content FROM checkpoints;
DROP TABLE checkpoints;
ALTER TABLE checkpoints_v21 RENAME TO checkpoints;
