-- Quire local profile schema, version 6: when each batch's first edit was made, epoch milliseconds
-- on its author's clock (protocol 4's madeAt), beside created_at, the relay's time. Blocks written
-- before it have NULL: their author's time is taken to be the relay's.
ALTER TABLE log_blocks ADD COLUMN made_at BIGINT;
