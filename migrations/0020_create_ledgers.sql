-- Ledgers the proxy checks and reserves against atomically (docs/membrane.md,
-- "Limits and ledgers"). Every limit is enforced by one conditional write.

-- Idempotency: one row per effect, scoped to the task, the principal and the
-- operation, with a hash of the canonical arguments. A key reused with other
-- arguments is refused; a replay returns the stored result.
CREATE TABLE effects (
  task_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  op TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
  result TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, principal, op, idempotency_key)
);

-- Model tokens: a reservation before each call (prompt estimate + the
-- max_tokens granted), replaced by the real usage when the call settles.
CREATE TABLE llm_ledger (
  id TEXT PRIMARY KEY NOT NULL,
  task_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  reserved INTEGER NOT NULL CHECK (reserved > 0),
  used INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX llm_ledger_task_idx ON llm_ledger (task_id);

-- In-cell rate limits: a counter per scope (task or principal), kind and
-- period; `refused` counts the refusals so they are audited in aggregate.
CREATE TABLE rate_counters (
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  period INTEGER NOT NULL,
  count INTEGER NOT NULL,
  refused INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, kind, period)
);

-- The sums the refund limits are checked against, across tasks.
CREATE INDEX refunds_order_idx ON refunds (order_id);
CREATE INDEX refunds_task_idx ON refunds (task_id);
CREATE INDEX refunds_actor_day_idx ON refunds (actor, created_at);
CREATE INDEX refunds_customer_day_idx ON refunds (customer_id, created_at);
