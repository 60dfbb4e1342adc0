-- Quire relay schema on PostgreSQL, version 1. Never edit a released migration: add V2__... instead.
-- Several relays share one database: the database, not any relay, decides which batch takes which
-- revision (the conditional update of documents.head, and the keys of batches).

CREATE TABLE users (
  name       VARCHAR(32) PRIMARY KEY,
  created_at BIGINT      NOT NULL,
  revoked_at BIGINT
);

-- Tokens are stored only as the SHA-256 of the token text.
CREATE TABLE tokens (
  hash       BYTEA       PRIMARY KEY CHECK (length(hash) = 32),
  user_name  VARCHAR(32) NOT NULL REFERENCES users (name),
  created_at BIGINT      NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX tokens_by_user ON tokens (user_name);

-- head: the last revision committed. An append at expected head H of n operations moves it to H + n
-- only while it is still H, in the transaction that inserts the batch: that row's lock orders the
-- writers of one document, whichever relay they run in.
-- payload_kind: 'readable' (the relay validates and canonicalises operations) or 'opaque' (stored
-- and served as sent); NULL: the relay's configured default.
-- moved_at: when the head last moved, by the database's clock: relays poll the documents moved
-- lately, in case a notification of it was lost.
CREATE TABLE documents (
  id                VARCHAR(64)  PRIMARY KEY,
  title             VARCHAR(200) NOT NULL,
  owner             VARCHAR(32)  NOT NULL,
  created_at        BIGINT       NOT NULL,
  head              BIGINT       NOT NULL CHECK (head >= 0),
  last_change       BIGINT       NOT NULL,
  deleted_at        BIGINT,
  missing_canonical BIGINT       NOT NULL DEFAULT 0,
  payload_kind      VARCHAR(8)   CHECK (payload_kind IN ('readable', 'opaque')),
  moved_at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE document_roles (
  doc_id    VARCHAR(64) NOT NULL REFERENCES documents (id),
  user_name VARCHAR(32) NOT NULL REFERENCES users (name),
  role      VARCHAR(8)  NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (doc_id, user_name)
);
CREATE INDEX document_roles_by_user ON document_roles (user_name);

-- Each client id belongs to one user, the first who said hello with it.
CREATE TABLE client_ids (
  client_id VARCHAR(128) PRIMARY KEY,
  user_name VARCHAR(32)  NOT NULL REFERENCES users (name),
  bound_at  BIGINT       NOT NULL
);

-- One row per sequenced batch, revisions first_revision .. last_revision: its operations exactly as
-- its author sent them and, when the relay reads payloads, the canonical operation every replica
-- derives from each (NULL otherwise). The primary key forbids two batches at one revision; the
-- unique key on the batch's sender recognises a resent batch, through whichever relay it comes; the
-- one on its last revision finds the batch holding a revision (paging) with one index lookup.
CREATE TABLE batches (
  doc_id         VARCHAR(64)  NOT NULL REFERENCES documents (id),
  first_revision BIGINT       NOT NULL CHECK (first_revision >= 1),
  last_revision  BIGINT       NOT NULL,
  base_revision  BIGINT       NOT NULL,
  author         VARCHAR(32)  NOT NULL,
  client_id      VARCHAR(128) NOT NULL,
  batch_seq      BIGINT       NOT NULL,
  created_at     BIGINT       NOT NULL,
  operations     TEXT[]       NOT NULL,
  canonical      TEXT[],
  digest         BYTEA        NOT NULL,
  PRIMARY KEY (doc_id, first_revision),
  UNIQUE (doc_id, author, client_id, batch_seq),
  UNIQUE (doc_id, last_revision),
  CHECK (last_revision = first_revision + cardinality(operations) - 1),
  CHECK (canonical IS NULL OR cardinality(canonical) = cardinality(operations))
);

-- The latest batch of each (document, author, client id), kept with each append, so that loading a
-- document to recognise resent batches reads one row per client instead of its whole history.
CREATE TABLE latest_batches (
  doc_id         VARCHAR(64)  NOT NULL REFERENCES documents (id),
  author         VARCHAR(32)  NOT NULL,
  client_id      VARCHAR(128) NOT NULL,
  batch_seq      BIGINT       NOT NULL,
  first_revision BIGINT       NOT NULL,
  op_count       INT          NOT NULL,
  created_at     BIGINT       NOT NULL,
  digest         BYTEA        NOT NULL,
  PRIMARY KEY (doc_id, author, client_id)
);

-- The document's text at a revision, every N revisions (readable documents only).
CREATE TABLE checkpoints (
  doc_id   VARCHAR(64) NOT NULL REFERENCES documents (id),
  revision BIGINT      NOT NULL,
  text     BYTEA       NOT NULL, -- UTF-8: a text column cannot hold U+0000
  PRIMARY KEY (doc_id, revision)
);
