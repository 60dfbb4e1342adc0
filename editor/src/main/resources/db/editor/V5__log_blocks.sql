-- Quire local profile schema, version 5: the canonical log is kept as blocks. Consecutive revisions
-- of one batch share a row, with the batch's author, client, sequence number and time once and the
-- operations one ot.js JSON text per line, instead of a row per revision: a catch-up page or an
-- acknowledged batch of 1,000 revisions is one or a few rows to write. A block holds at most 1,000
-- revisions and stops growing once its text reaches about 256 K characters (LogBlocks).
-- The length after each revision is no longer stored: it is the target length of its operation.
-- See docs/adr/0007-log-blocks.md.

CREATE TABLE log_blocks (
  doc_id         VARCHAR(64)       NOT NULL,
  first_revision BIGINT            NOT NULL,  -- the block holds first_revision .. + op_count - 1
  op_count       INT               NOT NULL,
  base_revision  BIGINT            NOT NULL,  -- of the batch the revisions came in
  batch_first    BIGINT            NOT NULL,  -- the batch's first revision
  author         VARCHAR(128)      NOT NULL,
  client_id      VARCHAR(128)      NOT NULL,
  batch_seq      BIGINT            NOT NULL,
  created_at     BIGINT            NOT NULL,  -- when the relay sequenced the batch
  operations     CHARACTER VARYING NOT NULL,  -- canonical operations, one per line
  originals      CHARACTER VARYING,           -- as the author sent them, one per line, an empty
                                              -- line where equal; null when all are equal
  PRIMARY KEY (doc_id, first_revision)
);

-- Every revision row moves into the block of its batch, cut every 1,000 revisions of the batch
-- and every 200,000 characters (SUM gives a decimal here: cast back for an integer division), so that no block breaks the limits above by more than one revision.
INSERT INTO log_blocks (doc_id, first_revision, op_count, base_revision, batch_first, author,
                        client_id, batch_seq, created_at, operations, originals)
SELECT doc_id, MIN(revision), COUNT(*), MIN(base_revision), batch_first, MIN(author),
       MIN(client_id), MIN(batch_seq), MIN(created_at),
       LISTAGG(operation, CHAR(10)) WITHIN GROUP (ORDER BY revision),
       CASE WHEN COUNT(original) = 0 THEN NULL
            ELSE LISTAGG(COALESCE(original, ''), CHAR(10)) WITHIN GROUP (ORDER BY revision) END
FROM (
  SELECT r.*,
         (revision - batch_first) / 1000 AS part,
         CAST(SUM(LENGTH(operation) + COALESCE(LENGTH(original), 0))
           OVER (PARTITION BY doc_id, batch_first ORDER BY revision) AS BIGINT) / 200000 AS size_part
  FROM revisions r
) cut
GROUP BY doc_id, batch_first, part, size_part;

DROP TABLE revisions;
