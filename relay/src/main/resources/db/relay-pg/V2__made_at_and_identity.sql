-- Protocol 4: each batch keeps the time its author made it (null for batches stored before: they
-- are served with the time the relay sequenced them), and the relays sharing this database share
-- one identity, which welcome names so that a client can tell a relay with another history.
ALTER TABLE batches ADD COLUMN made_at BIGINT;

CREATE TABLE relay_identity (
  id VARCHAR(36) PRIMARY KEY
);
INSERT INTO relay_identity (id) VALUES (gen_random_uuid()::text);
