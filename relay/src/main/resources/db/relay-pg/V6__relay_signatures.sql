-- Protocol 5: the relay signs checkpoints of each document's history with an Ed25519 key made once
-- (by the first relay to start on this schema; the others read it) and shared by every relay of
-- this database, so that a signature verifies with the key any of them publishes in welcome.
CREATE TABLE relay_key (
  id          INT   PRIMARY KEY CHECK (id = 1),
  private_key BYTEA NOT NULL
);

-- The signed checkpoints: the relay's chain hash of a document's history at a revision, the text's
-- SHA-256 there (NULL for documents the relay does not read), and the signature of both. Derived
-- from the log and deterministic (Ed25519): relays that sign the same checkpoint write the same row.
CREATE TABLE relay_signatures (
  doc_id    VARCHAR(64)  NOT NULL,
  revision  BIGINT       NOT NULL,
  chain     CHAR(64)     NOT NULL,
  text_hash CHAR(64),
  signature VARCHAR(256) NOT NULL,
  PRIMARY KEY (doc_id, revision)
);
