-- Quire local profile schema, version 1. Never edit a released migration: add V2__..., V3__... instead.

-- Profile settings as name/value pairs: client.id, relay.url, relay.token, user.name, user.colour.
CREATE TABLE settings (
  name          VARCHAR(64)   PRIMARY KEY,
  setting_value VARCHAR(4096) NOT NULL
);

-- One row per local document, with the sync state that goes with its log (ClientState, minus the
-- pending operations, which are rows of pending_ops).
CREATE TABLE documents (
  id             VARCHAR(64)  PRIMARY KEY,
  title          VARCHAR(200) NOT NULL,
  created_at     BIGINT       NOT NULL,
  head           BIGINT       NOT NULL,   -- latest revision in the local canonical log
  next_batch_seq BIGINT       NOT NULL,
  in_flight      CHARACTER VARYING,       -- the batch sent and not acknowledged (SyncCodec JSON)
  on_relay       BOOLEAN      NOT NULL,   -- the relay has the document (created or opened there)
  title_synced   BOOLEAN      NOT NULL,   -- the relay has this title
  relay_head     BIGINT       NOT NULL,   -- the relay's head when last heard of
  last_synced_at BIGINT,                  -- when the outbox was last seen empty and acknowledged
  sync_error     VARCHAR(1000)            -- why sync stopped for this document, or null
);

-- The canonical log: one row per revision, as every replica agrees on it.
CREATE TABLE revisions (
  doc_id        VARCHAR(64)       NOT NULL REFERENCES documents (id),
  revision      BIGINT            NOT NULL,
  base_revision BIGINT            NOT NULL,  -- of the batch it came in
  batch_first   BIGINT            NOT NULL,  -- the batch's first revision
  author        VARCHAR(128)      NOT NULL,
  client_id     VARCHAR(128)      NOT NULL,
  batch_seq     BIGINT            NOT NULL,
  created_at    BIGINT            NOT NULL,  -- when the relay sequenced it
  text_length   INT               NOT NULL,  -- code points after this revision
  operation     CHARACTER VARYING NOT NULL,  -- canonical operation (ot.js JSON)
  original      CHARACTER VARYING,           -- the operation as its author sent it, null when equal
  PRIMARY KEY (doc_id, revision)
);

-- The text at every N-th revision, so any revision is a checkpoint plus fewer than N operations.
CREATE TABLE checkpoints (
  doc_id   VARCHAR(64)       NOT NULL REFERENCES documents (id),
  revision BIGINT            NOT NULL,
  content  CHARACTER VARYING NOT NULL,
  PRIMARY KEY (doc_id, revision)
);

-- The outbox: local operations not yet acknowledged, in order (the in-flight ones first, as many
-- as the in-flight batch holds), each already transformed past every revision in the log.
CREATE TABLE pending_ops (
  doc_id    VARCHAR(64)       NOT NULL REFERENCES documents (id),
  seq       BIGINT            NOT NULL,
  operation CHARACTER VARYING NOT NULL,
  made_at   BIGINT            NOT NULL,
  PRIMARY KEY (doc_id, seq)
);
