-- Quire local profile schema, version 3: documents deleted locally that the relay still has. The
-- local rows are gone at once; the relay is asked to delete its copy at the next connection, and
-- the row goes when the relay has answered.
CREATE TABLE relay_deletes (
  doc_id       VARCHAR(64) PRIMARY KEY,
  requested_at BIGINT      NOT NULL
);
