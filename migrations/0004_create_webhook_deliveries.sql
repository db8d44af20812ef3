-- Webhook deliveries: one row per (source, delivery id), claimed with a
-- UNIQUE insert before the task starts, so a redelivered or replayed event
-- never starts a second task. Ids and times only: no payload, no PII.
CREATE TABLE webhook_deliveries (
  task_id TEXT PRIMARY KEY NOT NULL,
  source TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  -- HMAC-SHA256 under the source's secret of "<t>.<raw body>": the same for
  -- every copy of one signed request, whatever delivery id it claims.
  signature_digest TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_delivery_idx ON webhook_deliveries (source, delivery_id);
CREATE UNIQUE INDEX webhook_deliveries_digest_idx ON webhook_deliveries (source, signature_digest);
