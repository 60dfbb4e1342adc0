-- Quire profile schema, version 17: end-to-end encrypted documents. The profile keeps which
-- documents are encrypted, their keys by epoch (the local copy is the user's own, like the
-- plaintext), the device keys it has seen (pinned on first use), and the sealed form of each
-- document's batch in flight, so that a resend after a restart is the same ciphertext.

CREATE TABLE encrypted_documents (
  doc_id VARCHAR(64) PRIMARY KEY
);

CREATE TABLE document_keys (
  doc_id  VARCHAR(64) NOT NULL,
  epoch   BIGINT      NOT NULL,
  doc_key VARCHAR(64) NOT NULL,
  PRIMARY KEY (doc_id, epoch)
);

CREATE TABLE pinned_devices (
  user_name     VARCHAR(32)  NOT NULL,
  client_id     VARCHAR(128) NOT NULL,
  signing_key   VARCHAR(200) NOT NULL,
  agreement_key VARCHAR(100) NOT NULL,
  PRIMARY KEY (user_name, client_id)
);

CREATE TABLE sealed_batches (
  doc_id    VARCHAR(64)       PRIMARY KEY,
  batch_seq BIGINT            NOT NULL,
  epoch     BIGINT            NOT NULL,
  digest    VARCHAR(64)       NOT NULL,
  elements  CHARACTER VARYING NOT NULL
);
