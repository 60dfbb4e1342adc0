-- Who has a role on each document, as the relay last listed it (protocol 4's members): an owner's
-- copy gives the roles back to a relay it refills (protocol 5's upload), so that the other members
-- find the document there again.
CREATE TABLE document_members (
  doc_id    VARCHAR(64) NOT NULL,
  user_name VARCHAR(32) NOT NULL,
  role      VARCHAR(8)  NOT NULL,
  PRIMARY KEY (doc_id, user_name)
);
