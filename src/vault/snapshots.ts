/**
 * The records the system of record returned when the task opened (the
 * subject customer, read to open the vault), one row a record in the Vault's
 * SQLite storage (table `record_snapshots`, src/vault/schema.ts), so a read
 * of the same record soon after is answered here instead of by a second D1
 * read (issue 15). Raw values, like the rest of the vault: they leave it only
 * tokenized (Vault.tokenizeSnapshot), never in a row, a log or an error, and
 * are wiped with it. A snapshot is used only while it is younger than the
 * caller's bound (SILOOS_RECORD_SNAPSHOT_SECONDS); older, the op reads the
 * system of record as before.
 */
export interface RecordSnapshot {
  /** The record type, as PII_FIELDS names it (`customer`). */
  kind: string;
  id: string;
  record: Record<string, string | number | boolean | null>;
}

interface Row extends Record<string, SqlStorageValue> {
  record: string;
  taken_at: number;
}

export class RecordSnapshots {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Keep `s` as read now; a reopened vault's snapshot is replaced. */
  put(s: RecordSnapshot, at = Date.now()): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO record_snapshots (kind, id, record, taken_at) VALUES (?, ?, ?, ?)",
      s.kind,
      s.id,
      JSON.stringify(s.record),
      at,
    );
  }

  /** The record of this kind and id if it was read less than `maxAgeMs` ago; undefined: none, or too old. */
  fresh(kind: string, id: string, maxAgeMs: number, now = Date.now()): RecordSnapshot["record"] | undefined {
    const row = this.#sql
      .exec<Row>("SELECT record, taken_at FROM record_snapshots WHERE kind = ? AND id = ?", kind, id)
      .toArray()[0];
    if (!row || !(now - row.taken_at < maxAgeMs)) return undefined;
    return JSON.parse(row.record) as RecordSnapshot["record"];
  }
}
