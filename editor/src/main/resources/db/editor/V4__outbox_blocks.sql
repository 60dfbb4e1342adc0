-- Quire local profile schema, version 4: a rewritten outbox can be kept as blocks of operations.
-- After a rebase past remote revisions the whole outbox changes; rewriting it row by row took most of
-- a reconnect after 10,000 offline edits. A large rewritten outbox is now written as a few blocks,
-- each holding up to 1,000 operations, and the rows it replaces are only marked dead: rows of
-- pending_ops numbered below documents.outbox_floor. Dead rows are deleted a few at a time with
-- later acknowledgements. The outbox is: the blocks in order, from operation outbox_skip of the
-- first one (those before it are acknowledged), then the live rows of pending_ops in order.
-- See docs/adr/0005-outbox-blocks.md.

CREATE TABLE outbox_blocks (
  doc_id     VARCHAR(64)       NOT NULL,
  block_no   INT               NOT NULL,  -- order of the blocks
  op_count   INT               NOT NULL,
  operations CHARACTER VARYING NOT NULL,  -- the operations (ot.js JSON), one per line
  made_at    CHARACTER VARYING NOT NULL,  -- when each was made, comma-separated milliseconds
  PRIMARY KEY (doc_id, block_no)
);

ALTER TABLE documents ADD COLUMN outbox_floor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN outbox_skip INT NOT NULL DEFAULT 0;
