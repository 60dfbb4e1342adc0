-- Quire relay schema, version 2: each client id belongs to one user, the first who said hello with
-- it. Clients recognise their own acknowledgements by client id, so another user submitting under
-- it would break that client.
CREATE TABLE client_ids (
  client_id VARCHAR(128) PRIMARY KEY,
  user_name VARCHAR(32)  NOT NULL REFERENCES users (name),
  bound_at  BIGINT       NOT NULL
);

-- Ids already in the history go to the user whose batch came first (ties: the smallest name), so
-- an upgrade hands no existing client's id to somebody else.
INSERT INTO client_ids (client_id, user_name, bound_at)
SELECT b.client_id, MIN(b.author), MIN(b.created_at)
FROM batches b JOIN users u ON u.name = b.author
WHERE b.created_at = (SELECT MIN(e.created_at) FROM batches e WHERE e.client_id = b.client_id)
GROUP BY b.client_id;
