import { and, asc, count, desc, gt, gte, lte } from "drizzle-orm";
import { toHex } from "../crypto/encoding.ts";
import { hmacKey, hmacSign } from "../crypto/hmac.ts";
import type { Db } from "../db/index.ts";
import { auditLog, auditSeals } from "../db/schema.ts";

/**
 * Tamper evidence: each audit row, in seq order, is folded into a keyed hash
 * chain stored in audit_seals. Sealing is deterministic, so concurrent
 * sealers write the same values (INSERT OR IGNORE). Verification recomputes
 * the chain from the first row and reports the first row that disagrees.
 */
type Row = typeof auditLog.$inferSelect;
const BATCH = 500;

async function macKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new Error("SILOOS_AUDIT_KEY must be at least 32 characters");
  // The chain keeps the audit key itself (not a derived key): chains sealed before stay verifiable.
  // Other uses of this secret (edge pseudonyms) take derived keys, so they can never forge a link.
  return hmacKey(secret);
}

async function link(key: CryptoKey, previous: string, row: Row): Promise<string> {
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.taskId,
    row.actor,
    row.event,
    row.op,
    row.decision,
    row.reason,
    row.detail,
  ]);
  return toHex(await hmacSign(key, `${previous}\n${canonical}`));
}

/** Seal every row not sealed yet. Returns the last sealed seq. */
export async function sealAudit(db: Db, secret: string): Promise<number> {
  const key = await macKey(secret);
  const last = await db.select().from(auditSeals).orderBy(desc(auditSeals.seq)).limit(1).get();
  let previous = last?.chain ?? "genesis";
  let through = last?.seq ?? 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, through))
      .orderBy(asc(auditLog.seq))
      .limit(BATCH);
    if (rows.length === 0) return through;
    const seals = [];
    for (const row of rows) {
      previous = await link(key, previous, row);
      seals.push({ seq: row.seq, chain: previous, sealedAt: Date.now() });
    }
    // D1 binds at most 100 parameters a statement: 30 seals (90) per insert, one batch.
    const inserts = [];
    for (let i = 0; i < seals.length; i += 30)
      inserts.push(
        db
          .insert(auditSeals)
          .values(seals.slice(i, i + 30))
          .onConflictDoNothing(),
      );
    const [first, ...rest] = inserts;
    if (first) await db.batch([first, ...rest]);
    through = rows.at(-1)!.seq;
  }
}

export interface Verification {
  ok: boolean;
  rows: number;
  sealedThrough: number;
  /** The first seq whose row does not match its seal (changed, removed or inserted). */
  firstBadSeq: number | null;
  reason: string | null;
}

export async function verifyAudit(db: Db, secret: string): Promise<Verification> {
  const key = await macKey(secret);
  const seals = await db.select().from(auditSeals).orderBy(asc(auditSeals.seq));
  const sealedThrough = seals.at(-1)?.seq ?? 0;
  let previous = "genesis";
  for (let i = 0; i < seals.length; i += BATCH) {
    const chunk = seals.slice(i, i + BATCH);
    const first = chunk[0]!.seq;
    const lastSeq = chunk.at(-1)!.seq;
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(gte(auditLog.seq, first), lte(auditLog.seq, lastSeq)))
      .orderBy(asc(auditLog.seq));
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    const sealed = new Set(chunk.map((c) => c.seq));
    const inserted = rows.find((r) => !sealed.has(r.seq));
    if (inserted) return fail(sealedThrough, inserted.seq, "a row was inserted into the sealed range");
    for (const seal of chunk) {
      const row = bySeq.get(seal.seq);
      if (!row) return fail(sealedThrough, seal.seq, "a sealed row is missing");
      previous = await link(key, previous, row);
      if (previous !== seal.chain) return fail(sealedThrough, seal.seq, "the row does not match its seal");
    }
  }
  const total = await db.select({ n: count() }).from(auditLog).get();
  return { ok: true, rows: total?.n ?? 0, sealedThrough, firstBadSeq: null, reason: null };
}

function fail(sealedThrough: number, seq: number, reason: string): Verification {
  return { ok: false, rows: 0, sealedThrough, firstBadSeq: seq, reason };
}
