-- Quire local profile schema, version 6: when each batch's first edit was made, epoch milliseconds
-- on its author's clock (protocol 4's madeAt), beside created_at, the relay's time. Blocks written
-- before it have NULL: their author's time is taken to be the relay's.
ALTER TABLE log_blocks ADD COLUMN made_at BIGINT;

-- The user's role on each document as the relay last said (owner, editor or viewer), or NULL when
-- not known (a document never synced). A viewer's copy is read-only.
ALTER TABLE documents ADD COLUMN relay_role VARCHAR(8);
