-- Expiry is a state: a task whose TTL passes while open ends 'expired'.
-- SQLite cannot change a CHECK in place, so the table is rebuilt with it.
CREATE TABLE tasks_new (
  id TEXT PRIMARY KEY NOT NULL,
  assignee TEXT NOT NULL,
  intent TEXT,
  customer_id TEXT NOT NULL,
  case_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'queued_human', 'completed', 'failed', 'expired')),
  outcome TEXT,
  summary TEXT,
  channel TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
INSERT INTO tasks_new SELECT id, assignee, intent, customer_id, case_id, status, outcome, summary, channel, created_at, updated_at, expires_at FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE INDEX tasks_open_expiry_idx ON tasks (status, expires_at);
