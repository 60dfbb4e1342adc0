-- Quire profile schema, version 19: the ciphertext chain of each encrypted document. Each batch is
-- kept as the relay sequenced it (its sealed element {epoch, sealed, signature}; the batch's other
-- operations are placeholders 0, counted by size), so that an exported history file can be checked
-- without the key, against the devices' and the relay's signatures. The relay's signatures of that
-- chain have no text hash (the relay cannot read the text), so relay_signatures takes them too.
CREATE TABLE sealed_history (
  doc_id         VARCHAR(64)       NOT NULL,
  first_revision BIGINT            NOT NULL,
  size           INT               NOT NULL,
  base_revision  BIGINT            NOT NULL,
  author         VARCHAR(32)       NOT NULL,
  client_id      VARCHAR(128)      NOT NULL,
  batch_seq      BIGINT            NOT NULL,
  time_millis    BIGINT            NOT NULL,
  made_at        BIGINT            NOT NULL,
  sealed         CHARACTER VARYING NOT NULL,
  PRIMARY KEY (doc_id, first_revision)
);

ALTER TABLE relay_signatures ALTER COLUMN text_hash SET NULL;
