-- Protocol 5: the relay signs checkpoints of each document's history with an Ed25519 key of its
-- own, made once (by the relay, on its first start with this schema) and kept here for good, so
-- that every signature it ever made verifies with the key welcome publishes. One row at most.
CREATE TABLE relay_key (
  id          INT            NOT NULL PRIMARY KEY CHECK (id = 1),
  private_key VARBINARY(256) NOT NULL
);

-- The signed checkpoints: the relay's chain hash of a document's history at a revision, the text's
-- SHA-256 there (NULL for documents the relay does not read), and the signature of both. Derived
-- from the log: a lost row is made again, the same, on the next request.
CREATE TABLE relay_signatures (
  doc_id    VARCHAR(64)  NOT NULL,
  revision  BIGINT       NOT NULL,
  chain     CHAR(64)     NOT NULL,
  text_hash CHAR(64),
  signature VARCHAR(256) NOT NULL,
  PRIMARY KEY (doc_id, revision)
);
