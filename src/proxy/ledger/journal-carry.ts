import { JOURNAL_INSERT, type JournalCarry, journalBinds } from "../../vault/journal.ts";

/**
 * The task's journal rows in an effect's own D1 batch. Why they must be in
 * D1 before the effect's row: the audit log's order is its seq, sealed into
 * the hash chain, and an effect's row is written straight to D1 with the
 * effect (atomically); the calls that led to it are journaled in the vault
 * (src/vault/journal.ts) and would otherwise land after it. Put first in
 * the effect's batch, they commit with it or not at all (a batch is one D1
 * transaction), in the same round trip, and the vault keeps them until the
 * commit is known (CallVault.carriedShipped): a failed batch leaves them in
 * the journal, to ship as usual. Each row keeps its journal number, so a row
 * shipped by the vault meanwhile, or again later, lands once.
 */
export function carriedStatements(d1: D1Database, carry: JournalCarry | undefined): D1PreparedStatement[] {
  if (!carry) return [];
  const insert = d1.prepare(JOURNAL_INSERT);
  return carry.rows.map((r) => insert.bind(...journalBinds(carry.taskId, r)));
}
