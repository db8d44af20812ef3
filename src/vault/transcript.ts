import type { TranscriptEntry } from "./vault.ts";

/**
 * The task's conversation, one row an entry in the Vault's SQLite storage
 * (table `transcript`, src/vault/schema.ts): an append inserts one row, it
 * never rewrites the conversation. An entry's key (the idempotency key of the
 * reply that wrote it) is unique, so a retry adds nothing.
 */
interface Row extends Record<string, SqlStorageValue> {
  role: string;
  by: string;
  text: string;
  wrote: string | null;
  at: number;
  key: string | null;
}

export class Transcript {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Append unless an entry with this key is there; returns its index, or null for a replay. */
  append(entry: Omit<TranscriptEntry, "at">, at = Date.now()): number | null {
    if (entry.key && this.#sql.exec("SELECT 1 FROM transcript WHERE key = ?", entry.key).toArray().length > 0)
      return null;
    const row = this.#sql
      .exec<{ n: number }>(
        "INSERT INTO transcript (role, by, text, wrote, at, key) VALUES (?, ?, ?, ?, ?, ?) RETURNING n",
        entry.role,
        entry.by,
        entry.text,
        entry.wrote ?? null,
        at,
        entry.key ?? null,
      )
      .one();
    return Number(row.n) - 1;
  }

  entries(): TranscriptEntry[] {
    return this.#sql
      .exec<Row>("SELECT role, by, text, wrote, at, key FROM transcript ORDER BY n")
      .toArray()
      .map((r) => ({
        role: r.role as TranscriptEntry["role"],
        by: r.by,
        text: r.text,
        at: r.at,
        ...(r.wrote !== null ? { wrote: r.wrote } : {}),
        ...(r.key !== null ? { key: r.key } : {}),
      }));
  }

  /** A vault written before this table kept the conversation as one storage value: moved here once. */
  adopt(legacy: readonly TranscriptEntry[]): void {
    for (const e of legacy) this.append(e, e.at);
  }
}
