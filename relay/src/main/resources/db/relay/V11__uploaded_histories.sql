-- Quire relay schema, version 11: histories uploaded by clients (protocol 5's upload), to refill a
-- relay that lost its data or never had it. Each uploaded batch records who uploaded it (NULL for
-- batches its author submitted), and a document whose upload is not complete yet holds the head it
-- is being uploaded to (NULL otherwise): submits wait until it is reached.
ALTER TABLE batches ADD COLUMN uploaded_by VARCHAR(32);
ALTER TABLE documents ADD COLUMN upload_target BIGINT;
