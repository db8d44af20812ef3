import { type AuditEvent, auditRow } from "../audit/index.ts";

/**
 * The task's audit journal: each proxy call's audit row, written in the
 * task's Vault (its SQLite storage) by the same RPC that admits the keys and
 * does the call's vault work. A Durable Object's storage write is durable
 * once it completes, so the row is durable before the call answers. D1 stays
 * the system of record: rows are shipped there in journal order, in batches
 * (from the vault's alarm, before the vault is wiped, and before the audit
 * log is read), or carried in the D1 batch of an effect that writes its own
 * row there, or of the router's rows about a run that ended (JournalCarry),
 * and only then dropped here. Shipping is idempotent: each row
 * carries its journal number, and D1 ignores a (task, number) it already holds,
 * so a crash between a D1 commit and the drop never doubles a row.
 */
export type JournalRow = Omit<ReturnType<typeof auditRow>, "taskId">;

export interface Stored extends JournalRow {
  /** The row's journal number: kept in D1 as vault_seq, so shipping it twice writes it once. */
  n: number;
}

/**
 * Journal rows handed to a party that writes its own rows to D1 next: a proxy
 * call whose effect does (a refund, a mail; src/proxy/ledger/journal-carry.ts),
 * or the router at a run's end (Vault.endRun; src/router/dispatch/run-journal.ts).
 * It puts them in its own D1 batch, before its rows, so they commit with them
 * or not at all, in one round trip. The vault drops them only when told the
 * batch committed; until then they stay here and ship as usual.
 */
export interface JournalCarry {
  taskId: string;
  rows: Stored[];
}

/** Rows per D1 batch: one statement a row, small enough for one round trip. */
const SHIP_BATCH = 100;
/** Rows an effect's batch carries at most; with more waiting, the older ones ship on their own first. */
export const CARRY_MAX = SHIP_BATCH;

/** audit_log's columns a journal row fills, in the order of journalBinds. */
const JOURNAL_COLUMNS = "at, task_id, actor, event, op, decision, reason, detail, vault_seq";

/** One journal row into D1; a (task, journal number) D1 already holds is skipped, so a row lands once. */
export const JOURNAL_INSERT = `INSERT INTO audit_log (${JOURNAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;

/** A journal row's values for JOURNAL_INSERT (JOURNAL_COLUMNS' order). */
export function journalBinds(taskId: string, r: Stored): unknown[] {
  return [r.at, taskId, r.actor, r.event, r.op, r.decision, r.reason, r.detail, r.n];
}

export class AuditJournal {
  readonly #sql: SqlStorage;

  /** Its table, audit_journal, is created by the vault's schema (src/vault/schema.ts) when the vault opens. */
  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  append(event: AuditEvent, at = Date.now()): void {
    const { taskId: _t, ...r } = auditRow(event, at);
    this.#sql.exec(
      "INSERT INTO audit_journal (at, actor, event, op, decision, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
      r.at,
      r.actor,
      r.event,
      r.op,
      r.decision,
      r.reason,
      r.detail,
    );
  }

  pending(limit = SHIP_BATCH): Stored[] {
    return this.#sql
      .exec<Stored & Record<string, SqlStorageValue>>(
        "SELECT n, at, actor, event, op, decision, reason, detail FROM audit_journal ORDER BY n LIMIT ?",
        limit,
      )
      .toArray();
  }

  drop(through: number): void {
    this.#sql.exec("DELETE FROM audit_journal WHERE n <= ?", through);
  }

  /** Rows waiting to be shipped (0 for a vault never opened or wiped: it has no table). */
  size(): number {
    const exists =
      this.#sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_journal'").toArray().length >
      0;
    return exists ? Number(this.#sql.exec("SELECT COUNT(*) AS n FROM audit_journal").one().n) : 0;
  }
}

/**
 * Ship the journal to D1, oldest first, one batch at a time; a batch is one
 * D1 transaction, so the log only ever gains a prefix of the journal.
 * Throws when D1 is unavailable: the rows stay in the journal.
 */
export async function shipJournal(journal: AuditJournal, db: D1Database, taskId: string): Promise<number> {
  let shipped = 0;
  for (;;) {
    const rows = journal.pending();
    if (rows.length === 0) return shipped;
    const insert = db.prepare(JOURNAL_INSERT);
    await db.batch(rows.map((r) => insert.bind(...journalBinds(taskId, r))));
    journal.drop(rows.at(-1)!.n);
    shipped += rows.length;
  }
}
