import type { BatchItem } from "drizzle-orm/batch";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/index.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import { shipTaskAudit } from "../core/audit-ship.ts";
import type { RouterEnv } from "../core/env.ts";

/**
 * The run's rows ahead of the router's. When a run ends, its vault hands over
 * the rows waiting in its journal, keys.revoked last (Vault.endRun), instead
 * of a D1 round trip of its own; the router's batch about the run (run
 * finished, completed, queued, escalated, a retry) writes them first, then its
 * own rows, in one D1 transaction: the log's order (seq, sealed into the hash
 * chain) is the run's, then the router's, as when the vault shipped them
 * first. A batch that fails writes none of them, and the vault still holds
 * them (it drops them only when told, `committed`), to ship as usual. Each row
 * keeps its journal number (vault_seq), so one the vault shipped meanwhile, or
 * ships again later, lands once.
 */
export interface RunJournal {
  /** The statements that go first in the router's batch. */
  inserts: BatchItem<"sqlite">[];
  /** The batch committed: the vault may drop the rows (a message, not awaited: if it is lost, they ship again, and D1 skips them). */
  committed(): void;
}

/**
 * `carry`: what the run's end handed over. Absent (the router restarted
 * between the run's end and this write, and the carry lived in its memory
 * only): the vault ships its journal first, so the router's rows still come
 * after the run's; fails closed (audit_unavailable) if it cannot.
 */
export async function runJournal(
  env: RouterEnv,
  db: Db,
  taskId: string,
  carry: JournalCarry | undefined,
): Promise<RunJournal> {
  if (!carry) {
    await shipTaskAudit(env, taskId);
    return { inserts: [], committed: () => undefined };
  }
  // Rows are written under the task this batch is about, whatever the carry says it is.
  if (carry.taskId !== taskId) throw new Error("a run's rows ride only in the batch about their own task");
  const through = carry.rows.at(-1)?.n;
  const rows = carry.rows.map(({ n, ...r }) => ({ ...r, taskId, vaultSeq: n }));
  const inserts: BatchItem<"sqlite">[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    inserts.push(
      db
        .insert(journaledRows)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflictDoNothing(),
    );
  return {
    inserts,
    committed: () => {
      if (through !== undefined) void env.PROXY.journalShipped(taskId, through).catch(() => undefined);
    },
  };
}

/**
 * audit_log as a journal row fills it: with its journal number (vault_seq,
 * migration 0090), which a (task, number) D1 holds already turns into a
 * skipped insert (ON CONFLICT DO NOTHING), as src/vault/journal.ts's
 * JOURNAL_INSERT does. Not in the shared schema (src/db/schema.ts): no reader
 * of the log is handed vault_seq.
 */
const journaledRows = sqliteTable("audit_log", {
  at: integer("at").notNull(),
  taskId: text("task_id"),
  actor: text("actor").notNull(),
  event: text("event").notNull(),
  op: text("op"),
  decision: text("decision"),
  reason: text("reason"),
  detail: text("detail"),
  vaultSeq: integer("vault_seq"),
});

/** D1 binds at most 100 parameters a statement: 11 rows of 9 columns. */
const ROWS_PER_INSERT = 11;
