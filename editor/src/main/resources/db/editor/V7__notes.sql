-- Quire local profile schema, version 7: comments anchored to text and named versions (protocol 5).
-- A batch's notes are kept with the block holding its last revision, the JSON text of one array
-- (NoteCodec), NULL for a batch without notes. Notes not yet sent wait in documents.pending_notes,
-- the same JSON form, their anchors in the local text; NULL when none wait.
ALTER TABLE log_blocks ADD COLUMN notes CHARACTER VARYING;
ALTER TABLE documents ADD COLUMN pending_notes CHARACTER VARYING;
