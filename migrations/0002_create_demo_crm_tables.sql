-- Demo systems of record behind the proxy's D1 connector.
CREATE TABLE customers (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  address TEXT NOT NULL,
  tier TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE orders (
  id TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  item TEXT NOT NULL,
  total_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  placed_at INTEGER NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE cases (
  id TEXT PRIMARY KEY NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers (id),
  subject TEXT NOT NULL,
  notes TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL
);
CREATE INDEX cases_customer_idx ON cases (customer_id);

CREATE TABLE refunds (
  id TEXT PRIMARY KEY NOT NULL,
  task_id TEXT NOT NULL,
  order_id TEXT NOT NULL REFERENCES orders (id),
  customer_id TEXT NOT NULL REFERENCES customers (id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX refunds_idem_idx ON refunds (task_id, idempotency_key);

CREATE TABLE outbox (
  id TEXT PRIMARY KEY NOT NULL,
  task_id TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  template TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX outbox_idem_idx ON outbox (task_id, idempotency_key);
