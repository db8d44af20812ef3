-- Proxy-call rows are written first in the task's Vault (its audit journal,
-- src/vault/journal.ts) and shipped here in journal order. Each shipped row
-- keeps its journal number, unique per task, so shipping the same row again
-- (a crash between the D1 commit and the journal drop) adds nothing.
ALTER TABLE audit_log ADD COLUMN vault_seq INTEGER;
CREATE UNIQUE INDEX audit_vault_seq_idx ON audit_log (task_id, vault_seq) WHERE vault_seq IS NOT NULL;
