-- The model token ledger lives in each task's Vault (its SQLite storage,
-- src/vault/ledger.ts), reserved and settled in the same vault RPC as the
-- call's other vault work; nothing reads or writes this D1 copy any more.
DROP INDEX IF EXISTS llm_ledger_task_idx;
DROP TABLE IF EXISTS llm_ledger;
