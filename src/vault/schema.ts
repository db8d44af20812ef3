/**
 * The Vault's SQLite schema (its Durable Object storage), in ordered
 * migrations like D1's: each one runs once, in order, and `vault_schema`
 * records how far a vault has come. A vault is migrated when it opens, and
 * an existing vault is brought up to date in the DO's constructor (under
 * blockConcurrencyWhile, before any call reaches it). A wiped vault
 * (deleteAll at task end) has no tables at all, and stays so: only open()
 * creates them, and a closed task is never opened again.
 *
 * Each concern owns its tables (its module says why):
 * - audit_journal: src/vault/journal.ts
 * - task_counters, llm_ledger, effects: src/vault/ledger.ts
 * - transcript: src/vault/transcript.ts
 * - task_meta, escalations: src/vault/meta.ts
 * - tokens, known_values: src/vault/tokens-store.ts
 * - rate_leases: src/vault/rate-lease.ts
 * - record_snapshots: src/vault/snapshots.ts
 * A vault written before its tables kept these under storage keys: they are
 * moved once, when it starts (src/vault/legacy.ts).
 */
export const VAULT_MIGRATIONS: readonly (readonly string[])[] = [
  // 1: the audit journal (a vault from before this schema already has it: IF NOT EXISTS).
  [
    "CREATE TABLE IF NOT EXISTS audit_journal (n INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, event TEXT NOT NULL, op TEXT, decision TEXT, reason TEXT, detail TEXT)",
  ],
  // 2: the task's own ledgers, moved out of D1 (issue 15): nothing in them spans tasks.
  [
    "CREATE TABLE task_counters (kind TEXT PRIMARY KEY, count INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE llm_ledger (id TEXT PRIMARY KEY, principal TEXT NOT NULL, reserved INTEGER NOT NULL CHECK (reserved >= 0), used INTEGER CHECK (used >= 0), created_at INTEGER NOT NULL)",
    `CREATE TABLE effects (principal TEXT NOT NULL, op TEXT NOT NULL, idempotency_key TEXT NOT NULL, args_hash TEXT NOT NULL,
       status TEXT NOT NULL CHECK (status IN ('pending', 'done')), result TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (principal, op, idempotency_key))`,
  ],
  // 3: the conversation, a row an entry (it was one storage value rewritten on every append).
  [
    "CREATE TABLE transcript (n INTEGER PRIMARY KEY AUTOINCREMENT, role TEXT NOT NULL, by TEXT NOT NULL, text TEXT NOT NULL, wrote TEXT, at INTEGER NOT NULL, key TEXT UNIQUE)",
  ],
  // 4: who holds the task, its escalations, known values and tokens (they were storage keys meta, escalations, known, t:<token>).
  [
    `CREATE TABLE task_meta (id INTEGER PRIMARY KEY CHECK (id = 1), task_id TEXT NOT NULL, principal TEXT NOT NULL, jtis TEXT NOT NULL,
       scope TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
    "CREATE TABLE escalations (n INTEGER PRIMARY KEY AUTOINCREMENT, from_principal TEXT NOT NULL, caps TEXT NOT NULL)",
    "CREATE TABLE known_values (n INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, value TEXT NOT NULL)",
    "CREATE TABLE tokens (token TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, source TEXT)",
  ],
  // 5: the task's lease of its principal's per-minute units (issue 15: no AgentRates round trip a call).
  [
    "CREATE TABLE rate_leases (principal TEXT NOT NULL, kind TEXT NOT NULL, period INTEGER NOT NULL, units INTEGER NOT NULL CHECK (units >= 0), PRIMARY KEY (principal, kind))",
  ],
  // 6: the records read to open the task, so a read of the same record soon after needs no D1 round trip (issue 15).
  [
    "CREATE TABLE record_snapshots (kind TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, taken_at INTEGER NOT NULL, PRIMARY KEY (kind, id))",
  ],
];

/** Does this vault have a schema at all (opened, not wiped)? */
export function hasSchema(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vault_schema'").toArray().length > 0;
}

/** Apply every migration this vault has not run yet, in order. */
export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS vault_schema (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM vault_schema").toArray()[0];
  let version = row?.version ?? 0;
  if (!row) sql.exec("INSERT INTO vault_schema (version) VALUES (0)");
  for (; version < VAULT_MIGRATIONS.length; version++) {
    for (const statement of VAULT_MIGRATIONS[version]!) sql.exec(statement);
    sql.exec("UPDATE vault_schema SET version = ?", version + 1);
  }
}

/** Tables this vault holds (0 after a wipe). */
export function tableCount(sql: SqlStorage): number {
  return Number(
    sql
      .exec(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .one().n,
  );
}
