-- The trash: a deleted document keeps its history (deleted_at set) until it is restored
-- (deleted_at cleared) or purged: purged_at records when its history, checkpoints and roles were
-- removed for good. The row stays, so that its id is never reused.
ALTER TABLE documents ADD COLUMN purged_at BIGINT;
CREATE INDEX documents_in_trash ON documents (owner) WHERE deleted_at IS NOT NULL AND purged_at IS NULL;
