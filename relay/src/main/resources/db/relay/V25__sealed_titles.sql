-- Quire relay schema, version 25: an encrypted document's title sealed by a member's client
-- (protocol 8). The relay never reads it: title holds a placeholder while sealed_title is set.
ALTER TABLE documents ADD COLUMN title_epoch BIGINT;
ALTER TABLE documents ADD COLUMN sealed_title VARCHAR(1024);
