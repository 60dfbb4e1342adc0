-- Quire relay schema (PostgreSQL), version 17: encrypted documents whose key must rotate (protocol
-- 8). A row says that a member's role was removed (by the owner's share, or by `quire relay grant
-- DOC USER none`) and that no rotation was stored since. The owner's client rotates when the
-- devices answer tells it so; storing the rotation deletes the row in the same transaction.
CREATE TABLE key_rotations_due (
  doc_id    VARCHAR(64) PRIMARY KEY REFERENCES documents (id),
  due_since BIGINT      NOT NULL
);
