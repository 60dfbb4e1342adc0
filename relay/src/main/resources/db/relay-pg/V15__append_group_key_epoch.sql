-- Quire relay schema (PostgreSQL), version 15: quire_append_group (V7) also refuses a batch of an
-- encrypted document sealed under another key epoch than the document's current one, where it
-- decides the append: under the lock of the document's row, which a key rotation takes too (it
-- locks the row before it moves the epoch). Once a rotation has committed, no relay can store a
-- batch sealed under the epoch before it, whatever that relay last read of the epoch.
--
-- The function takes one more array, key_epochs: per append, the epoch its batch is sealed under,
-- or NULL for a batch that is not sealed. A run whose append is sealed under another epoch than
-- the document's (document_epochs; no row: epoch 1) stops there with the kind 'stale' and the
-- document's current epoch in head. A resend is still answered as a duplicate, whatever its epoch.
-- Everything else is as in V7.

DROP FUNCTION quire_append_group(INT[], VARCHAR[], BIGINT[], BIGINT[], VARCHAR[], VARCHAR[],
  BIGINT[], BIGINT[], BIGINT[], INT[], TEXT[], BOOLEAN[], TEXT[], BYTEA[], TEXT[], BYTEA[], BIGINT,
  BIGINT);

CREATE FUNCTION quire_append_group(
  run_of        INT[],
  doc_ids       VARCHAR[],
  first_revs    BIGINT[],
  base_revs     BIGINT[],
  authors       VARCHAR[],
  client_ids    VARCHAR[],
  batch_seqs    BIGINT[],
  created       BIGINT[],
  made          BIGINT[],
  op_counts     INT[],
  ops           TEXT[],
  has_canonical BOOLEAN[],
  canonical_ops TEXT[],
  digests       BYTEA[],
  notes_of      TEXT[],
  checkpoints_of BYTEA[],
  key_epochs     BIGINT[],
  max_missed_revisions BIGINT,
  max_missed_bytes     BIGINT)
RETURNS TABLE (
  run            INT,
  kind           TEXT,
  committed      INT,
  head           BIGINT,
  first_revision BIGINT,
  base_revision  BIGINT,
  author         VARCHAR,
  client_id      VARCHAR,
  batch_seq      BIGINT,
  created_at     BIGINT,
  op_count       INT,
  operations     TEXT[],
  made_at        BIGINT,
  canonical      TEXT[],
  digest         BYTEA,
  notes          TEXT)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
  n          INT := coalesce(cardinality(doc_ids), 0);
  runs       INT := 0;
  -- The group's documents, as locked, in id order; their heads move as appends are accepted.
  d_ids      VARCHAR[] := '{}';
  d_head     BIGINT[] := '{}';
  d_before   BIGINT[] := '{}';
  d_deleted  BOOLEAN[] := '{}';
  d_change   BIGINT[] := '{}';
  d_missing  BIGINT[] := '{}';
  d_epoch    BIGINT[] := '{}'; -- the current key epoch of each, read under its lock
  -- Per append: where its operations start in ops (and canonical_ops), and the stored batch with
  -- its key, if any.
  op_start   INT[];
  c_start    INT[];
  dup_seq    BIGINT[];
  dup_first  BIGINT[];
  dup_size   INT[];
  dup_at     BIGINT[];
  dup_digest BYTEA[];
  -- Per run: what became of it.
  r_kind     TEXT[];
  r_done     INT[];
  r_head     BIGINT[];
  r_dup      INT[]; -- the append found stored
  r_stop     INT[]; -- the append not stored
  accepted   INT[] := '{}';
  i INT; j INT; r INT; o INT := 1; co INT := 1; moved INT; to_move INT := 0;
  stopped BOOLEAN := false;
  m_runs INT[] := '{}'; m_docs VARCHAR[] := '{}'; m_after BIGINT[] := '{}'; m_upto BIGINT[] := '{}';
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  runs := run_of[n] + 1;
  r_kind := array_fill('committed'::TEXT, ARRAY[runs]);
  r_done := array_fill(0, ARRAY[runs]);
  r_head := array_fill(NULL::BIGINT, ARRAY[runs]);
  r_dup := array_fill(NULL::INT, ARRAY[runs]);
  r_stop := array_fill(NULL::INT, ARRAY[runs]);
  op_start := array_fill(0, ARRAY[n]);
  c_start := array_fill(0, ARRAY[n]);
  FOR i IN 1 .. n LOOP
    op_start[i] := o;
    o := o + op_counts[i];
    IF has_canonical[i] THEN
      c_start[i] := co;
      co := co + op_counts[i];
    END IF;
  END LOOP;

  -- In id order, so that two relays locking overlapping groups cannot deadlock.
  SELECT coalesce(array_agg(l.id ORDER BY l.id), '{}'), coalesce(array_agg(l.head ORDER BY l.id), '{}'),
      coalesce(array_agg(l.deleted ORDER BY l.id), '{}')
    INTO d_ids, d_head, d_deleted
    FROM (SELECT id, head, deleted_at IS NOT NULL AS deleted FROM documents
      WHERE id = ANY (doc_ids) ORDER BY id FOR NO KEY UPDATE) AS l;
  d_before := d_head;
  -- Read after the lock: a rotation locks the row too, so this is the epoch once it committed.
  IF EXISTS (SELECT 1 FROM unnest(key_epochs) AS e WHERE e IS NOT NULL) THEN
    SELECT coalesce(array_agg(coalesce(e.epoch, 1) ORDER BY k.i), '{}') INTO d_epoch
      FROM unnest(d_ids) WITH ORDINALITY AS k(id, i)
      LEFT JOIN document_epochs e ON e.doc_id = k.id;
  END IF;
  d_change := array_fill(0::BIGINT, ARRAY[cardinality(d_ids)]);
  d_missing := array_fill(0::BIGINT, ARRAY[cardinality(d_ids)]);

  -- The batches stored already under the keys of the group's appends: resends. (Planned at each
  -- call, as the joins below: a plan cached while batches was small would scan it whole later.)
  EXECUTE 'SELECT array_agg(b.batch_seq ORDER BY k.i), array_agg(b.first_revision ORDER BY k.i),'
    || ' array_agg(cardinality(b.operations) ORDER BY k.i), array_agg(b.created_at ORDER BY k.i),'
    || ' array_agg(b.digest ORDER BY k.i)'
    || ' FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::bigint[]) WITH ORDINALITY'
    || ' AS k(d, a, c, s, i) LEFT JOIN batches b ON b.doc_id = k.d AND b.author = k.a'
    || ' AND b.client_id = k.c AND b.batch_seq = k.s'
    INTO dup_seq, dup_first, dup_size, dup_at, dup_digest
    USING doc_ids, authors, client_ids, batch_seqs;

  -- Each run in order, up to its first append that cannot be stored.
  FOR i IN 1 .. n LOOP
    r := run_of[i] + 1;
    IF i = 1 OR run_of[i] <> run_of[i - 1] THEN
      stopped := false;
    END IF;
    CONTINUE WHEN stopped;
    j := array_position(d_ids, doc_ids[i]);
    IF dup_first[i] IS NOT NULL THEN
      r_kind[r] := 'duplicate';
      r_dup[r] := i;
    ELSIF j IS NULL THEN
      r_kind[r] := 'missing';
    ELSIF d_deleted[j] THEN
      r_kind[r] := 'deleted';
    ELSIF key_epochs[i] IS NOT NULL AND key_epochs[i] <> d_epoch[j] THEN
      r_kind[r] := 'stale';
      r_head[r] := d_epoch[j];
    ELSIF d_head[j] <> first_revs[i] - 1 THEN
      r_kind[r] := 'conflict';
      r_head[r] := d_head[j];
    ELSE
      d_head[j] := first_revs[i] + op_counts[i] - 1;
      d_change[j] := created[i];
      IF NOT has_canonical[i] THEN
        d_missing[j] := d_missing[j] + op_counts[i];
      END IF;
      accepted := accepted || i;
      r_done[r] := r_done[r] + 1;
      CONTINUE;
    END IF;
    r_stop[r] := i;
    stopped := true;
  END LOOP;

  IF cardinality(accepted) > 0 THEN
    INSERT INTO batches (doc_id, first_revision, last_revision, base_revision, author, client_id,
        batch_seq, created_at, operations, canonical, digest, made_at, notes)
      SELECT doc_ids[a.i], first_revs[a.i], first_revs[a.i] + op_counts[a.i] - 1, base_revs[a.i],
          authors[a.i], client_ids[a.i], batch_seqs[a.i], created[a.i],
          ops[op_start[a.i] : op_start[a.i] + op_counts[a.i] - 1],
          CASE WHEN has_canonical[a.i]
            THEN canonical_ops[c_start[a.i] : c_start[a.i] + op_counts[a.i] - 1] END,
          digests[a.i], made[a.i], notes_of[a.i]
        FROM unnest(accepted) AS a(i);

    FOR j IN 1 .. cardinality(d_ids) LOOP
      IF d_head[j] <> d_before[j] THEN
        to_move := to_move + 1;
      END IF;
    END LOOP;
    IF to_move <= 8 THEN -- a few documents: by key, with no planning at each call
      moved := 0;
      FOR j IN 1 .. cardinality(d_ids) LOOP
        CONTINUE WHEN d_head[j] = d_before[j];
        UPDATE documents AS d SET head = d_head[j], last_change = d_change[j],
            missing_canonical = d.missing_canonical + d_missing[j], moved_at = clock_timestamp()
          WHERE d.id = d_ids[j] AND d.head = d_before[j] AND d.deleted_at IS NULL;
        IF FOUND THEN
          moved := moved + 1;
        END IF;
      END LOOP;
    ELSE
      EXECUTE 'UPDATE documents d SET head = u.head, last_change = u.change,'
        || ' missing_canonical = d.missing_canonical + u.missing, moved_at = clock_timestamp()'
        || ' FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])'
        || ' AS u(id, head, before, change, missing)'
        || ' WHERE u.head <> u.before AND d.id = u.id AND d.head = u.before AND d.deleted_at IS NULL'
        USING d_ids, d_head, d_before, d_change, d_missing;
      GET DIAGNOSTICS moved = ROW_COUNT;
    END IF;
    IF moved <> to_move THEN -- the lock makes this impossible; refuse rather than store a fork
      RAISE EXCEPTION 'documents moved while locked: % of % updated', moved, to_move;
    END IF;

    -- Each client's latest batch; a group may hold an older one after a newer: the row keeps the
    -- highest batch seq.
    INSERT INTO latest_batches AS l (doc_id, author, client_id, batch_seq, first_revision,
        op_count, created_at, digest)
      SELECT DISTINCT ON (doc_ids[a.i], authors[a.i], client_ids[a.i])
          doc_ids[a.i], authors[a.i], client_ids[a.i], batch_seqs[a.i], first_revs[a.i],
          op_counts[a.i], created[a.i], digests[a.i]
        FROM unnest(accepted) AS a(i)
        ORDER BY doc_ids[a.i], authors[a.i], client_ids[a.i], batch_seqs[a.i] DESC
      ON CONFLICT (doc_id, author, client_id) DO UPDATE SET batch_seq = EXCLUDED.batch_seq,
          first_revision = EXCLUDED.first_revision, op_count = EXCLUDED.op_count,
          created_at = EXCLUDED.created_at, digest = EXCLUDED.digest
        WHERE l.batch_seq < EXCLUDED.batch_seq;

    INSERT INTO checkpoints (doc_id, revision, text)
      SELECT doc_ids[a.i], first_revs[a.i] + op_counts[a.i] - 1, checkpoints_of[a.i]
        FROM unnest(accepted) AS a(i)
        WHERE checkpoints_of[a.i] IS NOT NULL
      ON CONFLICT DO NOTHING;
  END IF;

  RETURN QUERY SELECT k.r - 1, r_kind[k.r], r_done[k.r], r_head[k.r], dup_first[r_dup[k.r]],
      NULL::BIGINT, NULL::VARCHAR, NULL::VARCHAR, dup_seq[r_dup[k.r]], dup_at[r_dup[k.r]],
      dup_size[r_dup[k.r]], NULL::TEXT[], NULL::BIGINT, NULL::TEXT[], dup_digest[r_dup[k.r]],
      NULL::TEXT
    FROM generate_series(1, runs) AS k(r);
  FOR r IN 1 .. runs LOOP
    i := r_stop[r];
    IF r_kind[r] = 'conflict' AND r_head[r] > first_revs[i] - 1
        AND r_head[r] - (first_revs[i] - 1) <= max_missed_revisions THEN
      m_runs := m_runs || (r - 1);
      m_docs := m_docs || doc_ids[i];
      m_after := m_after || (first_revs[i] - 1);
      m_upto := m_upto || r_head[r];
    END IF;
  END LOOP;

  -- What each conflicting run missed, read under the lock: complete up to the head it reports.
  IF cardinality(m_runs) > 0 THEN
    RETURN QUERY EXECUTE 'SELECT i, ''missed''::text, 0, NULL::bigint, first_revision,'
      || ' base_revision, author, client_id, batch_seq, created_at, cardinality(operations),'
      || ' operations, made, canonical, digest, notes FROM (SELECT k.i, b.first_revision,'
      || ' b.base_revision, b.author, b.client_id, b.batch_seq, b.created_at, b.operations,'
      || ' COALESCE(b.made_at, b.created_at) AS made, b.canonical, b.digest, b.notes,'
      || ' sum(pg_column_size(b.operations) + COALESCE(pg_column_size(b.canonical), 0))'
      || ' OVER (PARTITION BY k.i ORDER BY b.first_revision) AS bytes'
      || ' FROM unnest($1::int[], $2::varchar[], $3::bigint[], $4::bigint[]) AS k(i, d, after, upto)'
      || ' JOIN batches b ON b.doc_id = k.d AND b.first_revision > k.after'
      || ' AND b.first_revision <= k.upto) m WHERE bytes <= $5 ORDER BY i, first_revision'
      USING m_runs, m_docs, m_after, m_upto, max_missed_bytes;
  END IF;
END;
$$;
