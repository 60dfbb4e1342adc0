-- Quire local profile schema, version 12: a snapshot of each document's comments and named versions
-- (DocumentNotes) at a revision, the JSON of NotesSnapshot, so that opening a document replays
-- only the revisions after it instead of the log from its first batch with notes. At most one a
-- document; it is derived data, rebuilt from the log when missing.
CREATE TABLE notes_snapshots (
    doc_id   CHARACTER VARYING PRIMARY KEY,
    revision BIGINT NOT NULL,
    state    CHARACTER LARGE OBJECT NOT NULL
);
