-- Protocol 5: the notes a batch carries (comments anchored to text and named versions), the JSON
-- text of one array exactly as sent, or NULL for a batch without.
ALTER TABLE batches ADD COLUMN notes text;
