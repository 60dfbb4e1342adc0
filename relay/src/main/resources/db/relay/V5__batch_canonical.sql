-- Quire relay schema, version 5: each batch row also holds its canonical operations, one JSON text
-- per line (NULL when the relay did not read the payloads), so that an append writes one row per
-- batch instead of one more per revision: the batch row now holds everything the log row did.
-- The log keeps the rows written before, and still gets rows for a batch whose operations cannot
-- be held one per line; it is read only for those.
ALTER TABLE batches ADD COLUMN canonical CHARACTER VARYING;

UPDATE batches b SET canonical =
  (SELECT LISTAGG(l.canonical, CHAR(10)) WITHIN GROUP (ORDER BY l.revision) FROM log l
   WHERE l.doc_id = b.doc_id AND l.revision >= b.first_revision
     AND l.revision < b.first_revision + b.op_count)
WHERE (SELECT COUNT(l.canonical) FROM log l
       WHERE l.doc_id = b.doc_id AND l.revision >= b.first_revision
         AND l.revision < b.first_revision + b.op_count) = b.op_count;
