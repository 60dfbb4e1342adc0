-- Quire relay schema, version 9: the notes a batch carries (protocol 5: comments anchored to text
-- and named versions), the JSON text of one array exactly as sent, or NULL for a batch without.
ALTER TABLE batches ADD COLUMN notes CHARACTER VARYING;
