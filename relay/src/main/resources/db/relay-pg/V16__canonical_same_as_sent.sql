-- Quire relay schema (PostgreSQL), version 16: a batch's canonical operations keep only those that
-- differ from the operations as sent. An element of batches.canonical that is NULL stands for the
-- operation sent at its index (most are equal: an upload's, a single author's typing), so a
-- readable document no longer holds its operations twice. A NULL column still means that none was
-- computed (opaque mode), as documents.missing_canonical counts. Existing rows are rewritten so.
UPDATE batches b SET canonical = ARRAY(
    SELECT CASE WHEN u.c = u.o THEN NULL ELSE u.c END
    FROM unnest(b.canonical, b.operations) WITH ORDINALITY AS u(c, o, i)
    ORDER BY u.i)
  WHERE b.canonical IS NOT NULL
    AND EXISTS (SELECT 1 FROM unnest(b.canonical, b.operations) AS e(c, o) WHERE e.c = e.o);
