-- Actions held for a person's approval (docs/approvals.md). The proxy writes
-- a row when a grant says a call needs approval; it holds the call exactly as
-- the agent made it (tokenized arguments, idempotency key, the records it
-- read). A decision is one conditional UPDATE from 'pending': of N people
-- approving at once, one wins and the call runs once. A row never outlives
-- its task: expires_at is the task's expiry, and closing the task's vault
-- marks what is still pending 'expired'.
CREATE TABLE pending_actions (
  id TEXT PRIMARY KEY NOT NULL,
  task_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('refund.issue')),
  args TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  role TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  limits TEXT NOT NULL,
  records TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'failed')),
  decided_by TEXT,
  decided_at INTEGER,
  outcome TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (task_id, principal, op, idempotency_key)
);
CREATE INDEX pending_actions_status_idx ON pending_actions (status, created_at);
CREATE INDEX pending_actions_task_idx ON pending_actions (task_id, status);
