import { DurableObject } from "cloudflare:workers";
import {
  grantCap,
  type LeaseAsk,
  type LeaseGrantor,
  type LeaseOutcome,
  type LeaseReturn,
} from "../../vault/rate-lease.ts";

/** Minutes kept: the current one and the one before (a call at a boundary reads either). */
const KEEP_PERIODS = 2;

/**
 * A principal's per-minute counters (calls, replies), which span its tasks:
 * one Durable Object per principal (`idFromName(principal)`). A call does not
 * come here: its task's Vault spends from a small lease of units this object
 * granted it (src/vault/rate-lease.ts), and asks for a new lease only when
 * that one is empty or its minute is over (issue 15). A grant is counted as
 * used when it is made: the check and the increment are one synchronous run
 * of SQL (no await between them), and a DO runs one such run at a time, so
 * the units granted in a minute, across tasks, never pass the limit. Its
 * SQLite storage is durable once the call returns.
 */
export class AgentRates extends DurableObject implements LeaseGrantor {
  readonly #sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS rate_counters (kind TEXT NOT NULL, period INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, period))",
    );
  }

  /**
   * Grant each counter that needs units min(want, an eighth of what is left
   * (grantCap), what is left), counted at once; or, if any of them can grant
   * nothing, grant none and count the
   * refusal on the first such counter (refusals are audited in aggregate:
   * the 1st, 10th, 100th …), as the task's own counters do.
   */
  async lease(asks: LeaseAsk[]): Promise<LeaseOutcome> {
    const granted = asks.map((a) => {
      if (a.want <= 0) return 0;
      const counted =
        this.#sql
          .exec<{ count: number }>("SELECT count FROM rate_counters WHERE kind = ? AND period = ?", a.kind, a.period)
          .toArray()[0]?.count ?? 0;
      const left = a.limit - counted;
      // Ahead of need only from ample headroom (an eighth of what is left is a unit or more).
      if (a.ahead) return left >= 8 ? Math.min(a.want, grantCap(left)) : 0;
      return Math.max(0, Math.min(a.want, left, grantCap(left)));
    });
    const period = asks[0]?.period;
    if (period !== undefined) this.#sql.exec("DELETE FROM rate_counters WHERE period <= ?", period - KEEP_PERIODS);
    const over = asks.findIndex((a, i) => a.want > 0 && !a.ahead && granted[i] === 0);
    if (over < 0) {
      asks.forEach((a, i) => {
        if (granted[i]! > 0)
          this.#sql.exec(
            "INSERT INTO rate_counters (kind, period, count, refused) VALUES (?, ?, ?, 0) ON CONFLICT (kind, period) DO UPDATE SET count = count + excluded.count",
            a.kind,
            a.period,
            granted[i],
          );
      });
      return { granted };
    }
    const a = asks[over]!;
    const refused = this.#sql
      .exec<{ refused: number }>(
        "INSERT INTO rate_counters (kind, period, count, refused) VALUES (?, ?, 0, 1) ON CONFLICT (kind, period) DO UPDATE SET refused = refused + 1 RETURNING refused",
        a.kind,
        a.period,
      )
      .one().refused;
    return { granted: asks.map(() => 0), refused: { over, refused } };
  }

  /** Units a task leased and did not spend (its vault was wiped): another task may have them. */
  async release(returns: LeaseReturn[]): Promise<void> {
    for (const r of returns)
      this.#sql.exec(
        "UPDATE rate_counters SET count = max(0, count - ?) WHERE kind = ? AND period = ?",
        r.units,
        r.kind,
        r.period,
      );
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
