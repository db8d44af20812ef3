-- Human operators of the console, and the online/offline switch of each agent.
CREATE TABLE operators (
  id TEXT PRIMARY KEY NOT NULL,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  -- PBKDF2-SHA256: "pbkdf2$<iterations>$<salt b64url>$<hash b64url>"
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE agent_status (
  name TEXT PRIMARY KEY NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('online', 'offline')),
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);
