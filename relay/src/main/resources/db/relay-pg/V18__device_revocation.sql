-- Quire relay schema (PostgreSQL), version 18: a user revokes one of their devices (protocol 8). A
-- revoked device keeps its row, so that its signing key still verifies the batches it sent, but
-- the relay refuses its connections and seals nothing more for it.
ALTER TABLE devices ADD COLUMN revoked_at BIGINT;
