-- Quire relay schema, version 8: when each batch's first edit was made, epoch milliseconds on its
-- author's clock (protocol 4's madeAt). Batches stored before it have NULL: they are served with
-- the relay's timestamp as their author's time.
ALTER TABLE batches ADD COLUMN made_at BIGINT;

-- The relay's identity (protocol 4's welcome.relay): a random UUID made once, with the database,
-- and shared by every relay serving it. Clients tell by it whether two addresses share a history.
CREATE TABLE relay_identity (
  id VARCHAR(36) NOT NULL PRIMARY KEY
);
INSERT INTO relay_identity (id) VALUES (CAST(RANDOM_UUID() AS VARCHAR(36)));
