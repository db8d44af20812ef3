-- The public edges (issue 10): revocable operator sessions, a sign-in
-- throttle, per-identity widget session limits, aggregated edge refusals.

-- Operator sessions: the cookie names a row; sign-out or an admin revokes it at once.
CREATE TABLE operator_sessions (
  id TEXT PRIMARY KEY NOT NULL,
  operator_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX operator_sessions_operator_idx ON operator_sessions (operator_id);

-- Sign-in through Cloudflare Access: the operator's Access identity (email claim).
ALTER TABLE operators ADD COLUMN email TEXT;
CREATE UNIQUE INDEX operators_email_idx ON operators (email);

-- Sign-in attempts per account and per client (keyed digests) in a fixed window.
CREATE TABLE signin_throttle (
  key TEXT PRIMARY KEY NOT NULL,
  window_start INTEGER NOT NULL,
  attempts INTEGER NOT NULL
);

-- Widget sessions: revocable, and which identity token opened each (SHA-256).
ALTER TABLE widget_sessions ADD COLUMN revoked_at INTEGER;
ALTER TABLE widget_sessions ADD COLUMN identity_digest TEXT;
CREATE INDEX widget_sessions_identity_idx ON widget_sessions (identity_digest, created_at);

-- Refusals at the edge, counted per kind, client and window; the audit log
-- gets the first of each window and, once it closes, one row with the count.
CREATE TABLE edge_refusals (
  kind TEXT NOT NULL,
  client TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  reported INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, client, window_start)
);
CREATE INDEX edge_refusals_open_idx ON edge_refusals (reported, window_start);
