import { DurableObject } from "cloudflare:workers";

/**
 * A principal's per-minute counters (calls, replies), which span its tasks:
 * one Durable Object per principal (`idFromName(principal)`), so counting a
 * call is one DO RPC instead of a D1 write on every proxy call (issue 15).
 * The check and the increment are one synchronous run of SQL in the object
 * (no await between them), and a DO runs one such run at a time: N
 * concurrent calls across tasks never pass a limit. Its SQLite storage is
 * durable once the call returns, so an evicted object keeps its counts.
 */
export interface RateCount {
  kind: string;
  period: number;
  limit: number;
}

/** `over`: the index of the first counter at its limit (nothing counted on it), with its refusals so far. */
export type RateOutcome = { ok: true } | { ok: false; over: number; refused: number };

/** Minutes kept: the current one and the one before (a call at a boundary reads either). */
const KEEP_PERIODS = 2;

export class AgentRates extends DurableObject {
  readonly #sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS rate_counters (kind TEXT NOT NULL, period INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, period))",
    );
  }

  /**
   * Count one call on every counter below its limit, as D1's conditional
   * upserts did; past a limit, count the refusal on the first counter over
   * it (refusals are audited in aggregate: the 1st, 10th, 100th …).
   */
  async count(counts: readonly RateCount[]): Promise<RateOutcome> {
    let over = -1;
    counts.forEach((c, i) => {
      const rows = this.#sql
        .exec<{ count: number }>(
          "INSERT INTO rate_counters (kind, period, count, refused) VALUES (?, ?, 1, 0) ON CONFLICT (kind, period) DO UPDATE SET count = count + 1 WHERE count < ? RETURNING count",
          c.kind,
          c.period,
          c.limit,
        )
        .toArray();
      if (rows.length === 0 && over < 0) over = i;
    });
    const period = counts[0]?.period;
    if (period !== undefined) this.#sql.exec("DELETE FROM rate_counters WHERE period <= ?", period - KEEP_PERIODS);
    if (over < 0) return { ok: true };
    const c = counts[over]!;
    const refused = this.#sql
      .exec<{ refused: number }>(
        "UPDATE rate_counters SET refused = refused + 1 WHERE kind = ? AND period = ? RETURNING refused",
        c.kind,
        c.period,
      )
      .one().refused;
    return { ok: false, over, refused };
  }

  /** Every counter kept (tests): the peak a minute may never pass its limit. */
  async counters(kind: string): Promise<Array<{ period: number; count: number; refused: number }>> {
    return this.#sql
      .exec<{ period: number; count: number; refused: number }>(
        "SELECT period, count, refused FROM rate_counters WHERE kind = ? ORDER BY period",
        kind,
      )
      .toArray();
  }
}
