-- Quire relay schema, version 3: how many of a document's revisions lack their canonical operation
-- (written in opaque mode), kept with each append, so a relay in readable mode need not count them
-- over the whole log each time it loads a document.
ALTER TABLE documents ADD COLUMN missing_canonical BIGINT DEFAULT 0 NOT NULL;

UPDATE documents d SET missing_canonical =
  (SELECT COUNT(*) FROM log l WHERE l.doc_id = d.id AND l.canonical IS NULL);
