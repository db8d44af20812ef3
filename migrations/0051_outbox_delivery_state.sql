-- The outbox is drained by a queue consumer (src/proxy/outbox-consumer.ts):
-- status queued → sending → sent, or dead after its last attempt. attempts
-- and last_error (a code, never provider text) are what the console shows.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
ALTER TABLE outbox ADD COLUMN updated_at INTEGER;
CREATE INDEX outbox_status_idx ON outbox (status, updated_at);
