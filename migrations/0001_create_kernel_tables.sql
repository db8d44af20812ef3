-- Kernel: tasks and the append-only audit log.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY NOT NULL,
  assignee TEXT NOT NULL,
  intent TEXT,
  customer_id TEXT NOT NULL,
  case_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'queued_human', 'completed', 'failed')),
  outcome TEXT,
  summary TEXT,
  channel TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  task_id TEXT,
  actor TEXT NOT NULL,
  event TEXT NOT NULL,
  op TEXT,
  decision TEXT CHECK (decision IS NULL OR decision IN ('allowed', 'refused')),
  reason TEXT,
  detail TEXT
);
CREATE INDEX audit_task_idx ON audit_log (task_id, seq);

-- Append-only is enforced by the database, not by convention: no code path,
-- and no future code path, can rewrite or erase history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
