-- Quire relay schema, version 7: how the relay treats each document's operations ('readable' or
-- 'opaque'), so that one relay can hold both kinds. Documents created before it have NULL: they
-- take the relay's configured default.
ALTER TABLE documents ADD COLUMN payload_kind VARCHAR(16);
