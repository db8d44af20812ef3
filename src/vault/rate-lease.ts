import { isPowerOfTen } from "../audit/throttle.ts";
import type { Refusal } from "./admission.ts";

/**
 * The task's lease of its principal's per-minute units (calls, replies):
 * granted by the principal's AgentRates DO (src/proxy/ledger/agent-rates.ts),
 * counted there as used when granted, and spent here by each call's first
 * vault RPC, so a call makes no round trip of its own to count itself. Only
 * an empty lease, or one of a minute that is over, asks AgentRates again.
 *
 * The trade-off: a unit leased to one task is not another task's until it
 * is spent, or returned when the run ends (its keys are revoked) or the vault
 * is wiped (best effort: the minute ends anyway). So a finished run holds
 * nothing, and a live one at most a lease less the call that took it. A lease
 * is small and derived from the limit (leaseSize), and AgentRates grants at
 * most an eighth of what is left of the minute (agent-rates.ts), so a small
 * limit, or one nearly spent, keeps exact behaviour (a lease of 1 is a round
 * trip a call, as before).
 */
export interface AgentCount {
  kind: string;
  limit: number;
  /** For the refusal message: "proxy calls per minute for agent:x". */
  what: string;
  /**
   * A counter this call does not spend, asked ahead for a later call of the
   * run (a reply's unit, with the lease a call needs anyway): one unit, only
   * from ample headroom, never a refusal; back with the rest when the run ends.
   */
  ahead?: boolean;
}

export const MINUTE_MS = 60_000;

/** What a task's vault asks the principal's AgentRates DO for, one entry a counter. */
export interface LeaseAsk {
  kind: string;
  period: number;
  limit: number;
  /** Units wanted (the lease size); 0: none needed on this counter. */
  want: number;
  /** Asked ahead (AgentCount.ahead): granted only from ample headroom, never refused. */
  ahead?: boolean;
}

/** `granted[i]`: units granted on ask i. `refused`: the first counter that could grant nothing a call needed, with its refusals so far. */
export type LeaseOutcome = { granted: number[]; refused?: { over: number; refused: number } };

export interface LeaseReturn {
  kind: string;
  period: number;
  units: number;
}

/** The AgentRates RPCs a vault makes (its class is the proxy's: the vault does not import it). */
export interface LeaseGrantor {
  lease(asks: LeaseAsk[]): Promise<LeaseOutcome>;
  release(returns: LeaseReturn[]): Promise<void>;
}

/**
 * Units a lease asks for: at most an eighth of the limit, at most 16, at
 * least 1. 16 covers a whole refund task (13 calls) with one round trip to
 * AgentRates instead of two; a run gives back what it did not spend when it
 * ends, so a bigger lease holds a principal's units only while its run lives.
 */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.min(16, Math.floor(limit / 8)));
}

/**
 * Units a grant may take of what is left of the minute: an eighth, at least 1.
 * Near the limit grants shrink to 1, so the last units go to calls that spend
 * them, not to leases that may sit on them (AgentRates applies it).
 */
export function grantCap(left: number): number {
  return Math.max(1, Math.floor(left / 8));
}

export type Leased = {
  principal: string;
  kind: string;
  period: number;
  units: number;
};

export class RateLease {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * One unit of each counter for a call: from the lease, or, with it empty or
   * its minute over, from a new lease the principal's AgentRates grants first.
   * A refusal there is the call's (counted there, audited in aggregate). Keys
   * the vault will not admit ask for nothing: admission refuses them next.
   */
  async take(
    principal: string,
    counts: readonly AgentCount[],
    grantor: LeaseGrantor,
    vault: { admitted(): Promise<"yes" | "no" | "closed">; lap(phase: string): void },
  ): Promise<Refusal | null> {
    const period = Math.floor(Date.now() / MINUTE_MS);
    // Each round spends, or is refused by AgentRates, or lost its new units to a concurrent call of this task.
    for (let round = 0; round < 8; round++) {
      if ((await vault.admitted()) !== "yes") return null;
      if (this.spend(principal, counts, period)) return null;
      const wants = this.wants(principal, counts, period);
      let outcome: LeaseOutcome;
      try {
        outcome = await grantor.lease(
          counts.map((c, i) => ({
            kind: c.kind,
            period,
            limit: c.limit,
            want: wants[i]!,
            ...(c.ahead ? { ahead: true } : {}),
          })),
        );
      } catch {
        return {
          ok: false,
          code: "store_unavailable",
          message: "the rate limit ledger is unavailable; nothing was done",
        };
      }
      vault.lap("AgentRates lease RPC");
      const now = await vault.admitted();
      if (now !== "yes") {
        // Wiped, or the run's keys revoked (the lease already drained), while the grant was on its
        // way: give it back, or no call could ever spend it. Admission refuses the call next.
        const back = counts.map((c, i) => ({ kind: c.kind, period, units: outcome.granted[i] ?? 0 }));
        await grantor.release(back.filter((b) => b.units > 0)).catch(() => undefined);
        return now === "closed" ? { ok: false, code: "task_closed" } : null;
      }
      this.store(principal, counts, period, outcome.granted);
      if (outcome.refused) {
        const c = counts[outcome.refused.over]!;
        const n = outcome.refused.refused;
        const message = `the limit of ${c.limit} ${c.what} is reached (refusals so far: ${n})`;
        return { ok: false, code: "rate_limited", message, audited: isPowerOfTen(n) };
      }
    }
    return { ok: false, code: "conflict", message: "too many concurrent calls for this task; nothing was done" };
  }

  /** Return a wiped vault's unspent units, one RPC a principal (best effort: the minute ends anyway). */
  static async giveBack(unspent: readonly Leased[], grantor: (principal: string) => LeaseGrantor): Promise<void> {
    for (const principal of new Set(unspent.map((u) => u.principal)))
      await grantor(principal)
        .release(
          unspent.filter((u) => u.principal === principal).map(({ kind, period, units }) => ({ kind, period, units })),
        )
        .catch(() => undefined);
  }

  /**
   * Units wanted per counter: 0 where this minute's lease still has one, else
   * a whole lease. (A lease used to grow with what the task spent, 1, 1, 2,
   * 4 …, because a finished task kept its units until its vault was wiped;
   * now a run's end gives them back, and a full first lease saves a task of
   * 13 calls three round trips to AgentRates.)
   */
  wants(principal: string, counts: readonly AgentCount[], period: number): number[] {
    return counts.map((c) => (this.#units(principal, c.kind, period) > 0 ? 0 : c.ahead ? 1 : leaseSize(c.limit)));
  }

  /** Add granted units to this minute's lease (a lease of an earlier minute is dropped). */
  store(principal: string, counts: readonly AgentCount[], period: number, granted: readonly number[]): void {
    counts.forEach((c, i) => {
      const units = granted[i] ?? 0;
      if (units <= 0) return;
      this.#sql.exec(
        "INSERT INTO rate_leases (principal, kind, period, units) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (principal, kind) DO UPDATE SET units = CASE WHEN period = ?3 THEN units + ?4 ELSE ?4 END, period = ?3",
        principal,
        c.kind,
        period,
        units,
      );
    });
  }

  /** Spend one unit on every counter the call counts against, or none if any is empty (synchronous: one call at a time). */
  spend(principal: string, counts: readonly AgentCount[], period: number): boolean {
    const spent = counts.filter((c) => !c.ahead);
    if (!spent.every((c) => this.#units(principal, c.kind, period) > 0)) return false;
    for (const c of spent)
      this.#sql.exec("UPDATE rate_leases SET units = units - 1 WHERE principal = ? AND kind = ?", principal, c.kind);
    return true;
  }

  /**
   * Take every unspent unit of this minute out of the lease, to give back: at
   * the end of a run (its keys are revoked, nothing can spend them) and at the
   * wipe. A later run of the task leases afresh.
   */
  drain(period: number): Leased[] {
    const out = this.unspent(period);
    this.#sql.exec("DELETE FROM rate_leases");
    return out;
  }

  /** Unspent units of this minute, to return when the vault is wiped. */
  unspent(period: number): Leased[] {
    return this.#sql
      .exec<Leased>("SELECT principal, kind, period, units FROM rate_leases WHERE period >= ? AND units > 0", period)
      .toArray();
  }

  #units(principal: string, kind: string, period: number): number {
    const row = this.#sql
      .exec<{ units: number; period: number }>(
        "SELECT units, period FROM rate_leases WHERE principal = ? AND kind = ?",
        principal,
        kind,
      )
      .toArray()[0];
    return row && row.period === period ? row.units : 0;
  }
}
