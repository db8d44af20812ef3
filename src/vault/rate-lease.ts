/**
 * The task's lease of its principal's per-minute units (calls, replies):
 * granted by the principal's AgentRates DO (src/proxy/ledger/agent-rates.ts),
 * counted there as used when granted, and spent here by each call's first
 * vault RPC, so a call makes no round trip of its own to count itself. Only
 * an empty lease, or one of a minute that is over, asks AgentRates again.
 *
 * The trade-off: a unit leased to one task is not another task's until it
 * is spent, or returned when this vault is wiped (best effort: the minute
 * ends anyway). The lease is small and derived from the limit, so a small
 * limit keeps exact behaviour (a lease of 1 is a round trip a call, as before).
 */
export interface AgentCount {
  kind: string;
  limit: number;
  /** For the refusal message: "proxy calls per minute for agent:x". */
  what: string;
}

export const MINUTE_MS = 60_000;

/** What a task's vault asks the principal's AgentRates DO for, one entry a counter. */
export interface LeaseAsk {
  kind: string;
  period: number;
  limit: number;
  /** Units wanted (the lease size); 0: none needed on this counter. */
  want: number;
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

/** Units a lease asks for: at most an eighth of the limit, at most 8, at least 1. */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.min(8, Math.floor(limit / 8)));
}

export class RateLease {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Units wanted per counter: 0 where this minute's lease still has one. */
  wants(principal: string, counts: readonly AgentCount[], period: number): number[] {
    return counts.map((c) => (this.#units(principal, c.kind, period) > 0 ? 0 : leaseSize(c.limit)));
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

  /** Spend one unit on every counter, or none if any is empty (synchronous: one call at a time). */
  spend(principal: string, counts: readonly AgentCount[], period: number): boolean {
    if (!counts.every((c) => this.#units(principal, c.kind, period) > 0)) return false;
    for (const c of counts)
      this.#sql.exec("UPDATE rate_leases SET units = units - 1 WHERE principal = ? AND kind = ?", principal, c.kind);
    return true;
  }

  /** Unspent units of this minute, to return when the vault is wiped. */
  unspent(period: number): Array<{ principal: string; kind: string; period: number; units: number }> {
    return this.#sql
      .exec<{ principal: string; kind: string; period: number; units: number }>(
        "SELECT principal, kind, period, units FROM rate_leases WHERE period >= ? AND units > 0",
        period,
      )
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
