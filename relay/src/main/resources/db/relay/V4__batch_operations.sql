-- Quire relay schema, version 4: each batch row also holds its operations as sent, one JSON text
-- per line, so that a history page reads one row per batch instead of one per revision (a page of
-- 2,000 revisions in batches of 100: 20 rows instead of 2,000). The log keeps its row per revision.
-- A row whose operations cannot be held so (NULL) is read from the log instead.
ALTER TABLE batches ADD COLUMN operations CHARACTER VARYING;

UPDATE batches b SET operations =
  (SELECT LISTAGG(l.payload, CHAR(10)) WITHIN GROUP (ORDER BY l.revision) FROM log l
   WHERE l.doc_id = b.doc_id AND l.revision >= b.first_revision
     AND l.revision < b.first_revision + b.op_count);
