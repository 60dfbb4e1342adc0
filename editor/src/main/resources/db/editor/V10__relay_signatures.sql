-- Quire local profile schema, version 10: the relay's signed checkpoints of each document's history
-- (protocol 5's signatures), as the relay gave them, by its key (X.509 DER in base64), so that an
-- exported history file carries them. Only documents the relay reads (a text hash) are kept: the
-- history file holds the canonical operations, which is what those signatures cover.
CREATE TABLE relay_signatures (
  doc_id    VARCHAR(64)  NOT NULL,
  revision  BIGINT       NOT NULL,
  relay_key VARCHAR(128) NOT NULL,
  chain     CHAR(64)     NOT NULL,
  text_hash CHAR(64)     NOT NULL,
  signature VARCHAR(256) NOT NULL,
  PRIMARY KEY (doc_id, revision, relay_key)
);
