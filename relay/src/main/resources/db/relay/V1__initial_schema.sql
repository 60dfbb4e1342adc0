-- Quire relay schema, version 1. Never edit a released migration: add V2__..., V3__... instead.

CREATE TABLE users (
  name       VARCHAR(32) PRIMARY KEY,
  created_at BIGINT      NOT NULL,
  revoked_at BIGINT
);

-- Tokens are stored only as the SHA-256 of the token text.
CREATE TABLE tokens (
  hash       BINARY(32)  PRIMARY KEY,
  user_name  VARCHAR(32) NOT NULL REFERENCES users (name),
  created_at BIGINT      NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE documents (
  id          VARCHAR(64)  PRIMARY KEY,
  title       VARCHAR(200) NOT NULL,
  owner       VARCHAR(32)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  head        BIGINT       NOT NULL,
  last_change BIGINT       NOT NULL,
  deleted_at  BIGINT
);

CREATE TABLE document_roles (
  doc_id    VARCHAR(64) NOT NULL REFERENCES documents (id),
  user_name VARCHAR(32) NOT NULL REFERENCES users (name),
  role      VARCHAR(8)  NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (doc_id, user_name)
);
CREATE INDEX document_roles_by_user ON document_roles (user_name);

-- One row per revision: the operation exactly as its author sent it (payload) and, when the relay
-- reads payloads, the canonical operation every replica derives from it (derived, may be null).
CREATE TABLE log (
  doc_id        VARCHAR(64)       NOT NULL REFERENCES documents (id),
  revision      BIGINT            NOT NULL,
  base_revision BIGINT            NOT NULL,
  author        VARCHAR(32)       NOT NULL,
  client_id     VARCHAR(128)      NOT NULL,
  batch_seq     BIGINT            NOT NULL,
  created_at    BIGINT            NOT NULL,
  payload       CHARACTER VARYING NOT NULL,
  canonical     CHARACTER VARYING,
  PRIMARY KEY (doc_id, revision)
);

-- One row per sequenced batch: deduplication of resent batches and whole-batch paging.
CREATE TABLE batches (
  doc_id         VARCHAR(64)  NOT NULL REFERENCES documents (id),
  author         VARCHAR(32)  NOT NULL,
  client_id      VARCHAR(128) NOT NULL,
  batch_seq      BIGINT       NOT NULL,
  first_revision BIGINT       NOT NULL,
  op_count       INT          NOT NULL,
  base_revision  BIGINT       NOT NULL,
  created_at     BIGINT       NOT NULL,
  digest         BINARY(32)   NOT NULL,
  PRIMARY KEY (doc_id, author, client_id, batch_seq)
);
CREATE UNIQUE INDEX batches_by_revision ON batches (doc_id, first_revision);

-- The document's text at a revision, every N revisions (readable mode only).
CREATE TABLE checkpoints (
  doc_id   VARCHAR(64)              NOT NULL REFERENCES documents (id),
  revision BIGINT                   NOT NULL,
  text     CHARACTER LARGE OBJECT   NOT NULL,
  PRIMARY KEY (doc_id, revision)
);
