-- Values that reach megabytes leave their rows' pages. H2 writes a whole page again for any change
-- to a row in it, and keeps the old page until its chunk is freed: a batch of a megabyte in flight
-- was written again with every change to its document's head or state, so syncing a large document
-- grew the profile by many times its size. A CHARACTER LARGE OBJECT is written once, out of line;
-- the row holds a reference to it.
ALTER TABLE documents ALTER COLUMN in_flight SET DATA TYPE CHARACTER LARGE OBJECT;
ALTER TABLE checkpoints ALTER COLUMN content SET DATA TYPE CHARACTER LARGE OBJECT;
