-- Quire relay schema, version 8: when each batch's first edit was made, epoch milliseconds on its
-- author's clock (protocol 4's madeAt). Batches stored before it have NULL: they are served with
-- the relay's timestamp as their author's time.
ALTER TABLE batches ADD COLUMN made_at BIGINT;
