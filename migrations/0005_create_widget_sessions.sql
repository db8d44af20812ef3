-- Chat widget sessions: one visitor conversation each, with a rate-limit window.
CREATE TABLE widget_sessions (
  id TEXT PRIMARY KEY NOT NULL,
  site TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  task_id TEXT,
  created_at INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  window_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX widget_sessions_customer_idx ON widget_sessions (site, customer_id, created_at);
