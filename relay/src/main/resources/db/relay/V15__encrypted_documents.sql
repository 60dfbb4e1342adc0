-- Quire relay schema, version 15: end-to-end encrypted documents (protocol 6). Documents get the
-- payload kind 'encrypted'. The relay keeps each device's public keys, each encrypted document's
-- current key epoch, and the document keys sealed to devices (opaque to the relay).

-- A device's public keys, registered by the device itself for its (user, client id), for good.
CREATE TABLE devices (
  user_name     VARCHAR(32)  NOT NULL,
  client_id     VARCHAR(128) NOT NULL,
  signing_key   VARCHAR(200) NOT NULL,
  agreement_key VARCHAR(100) NOT NULL,
  registered_at BIGINT       NOT NULL,
  PRIMARY KEY (user_name, client_id)
);

-- The current key epoch of an encrypted document; no row: epoch 1.
CREATE TABLE document_epochs (
  doc_id VARCHAR(64) PRIMARY KEY REFERENCES documents (id),
  epoch  BIGINT      NOT NULL
);

-- A document key of one epoch sealed to one device, by the sending device.
CREATE TABLE key_envelopes (
  doc_id        VARCHAR(64)   NOT NULL REFERENCES documents (id),
  epoch         BIGINT        NOT NULL,
  user_name     VARCHAR(32)   NOT NULL,
  client_id     VARCHAR(128)  NOT NULL,
  sender_user   VARCHAR(32)   NOT NULL,
  sender_client VARCHAR(128)  NOT NULL,
  envelope      VARCHAR(1024) NOT NULL,
  sealed_at     BIGINT        NOT NULL,
  PRIMARY KEY (doc_id, epoch, user_name, client_id)
);
CREATE INDEX key_envelopes_by_device ON key_envelopes (doc_id, user_name, client_id);
