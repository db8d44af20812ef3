import { describe, expect, it } from "vitest";
import { grantCap, leaseSize } from "../src/vault/rate-lease.ts";
import { attack } from "./support/redteam.ts";
import { FLOOD, useSystem } from "./support/system.ts";

/**
 * Per-principal per-minute limits through leases (src/vault/rate-lease.ts):
 * the principal's AgentRates DO grants each task's vault a few units at a
 * time, counted as used when granted; a call spends one in its first vault
 * RPC. flood-agent may make 30 calls a minute across its tasks: leases of at
 * most 3, and at most an eighth of what is left of the minute (at least 1).
 * A run's unspent units go back when it ends, so finished tasks hold none.
 */
const t = useSystem({ extraAgents: [FLOOD] });

const MINUTE_MS = 60_000;
const minute = () => Math.floor(Date.now() / MINUTE_MS);
/** Close to a minute's end, wait for the next: each test's calls fall in one minute, so its counts are exact. */
async function freshMinute(need = 20_000): Promise<number> {
  const left = MINUTE_MS - (Date.now() % MINUTE_MS);
  if (left < need) await new Promise((r) => setTimeout(r, left + 50));
  return minute();
}

interface Leased {
  kind: string;
  period: number;
  units: number;
}
interface Counter {
  period: number;
  count: number;
  refused: number;
}
type Rates = {
  counters(kind: string): Promise<Counter[]>;
  lease(asks: Array<{ kind: string; period: number; limit: number; want: number; ahead?: boolean }>): Promise<{
    granted: number[];
    refused?: { over: number; refused: number };
  }>;
};
async function rates(principal: string): Promise<Rates> {
  const ns = await t.sys.mf.getDurableObjectNamespace("AGENT_RATES", "siloos-proxy");
  return ns.get(ns.idFromName(principal)) as unknown as Rates;
}
const counter = async (principal: string, kind: string, period: number) =>
  (await (await rates(principal)).counters(kind)).find((c) => c.period === period);

const openTask = async () =>
  (await t.createTask({ agent: "flood-agent", subject: { customerId: "cus_1002" }, message: "hello" }))
    .taskId as string;
const as = (taskId: string, op: string, args: Record<string, unknown> = {}, idempotencyKey?: string) =>
  t.drive("flood-agent", { attack: "replay", taskId, op, args, idempotencyKey });

describe("per-minute limits through leases", () => {
  it("sizes a lease from its limit: a small limit keeps one unit a call", () => {
    expect([1, 7, 8, 15, 16, 30, 64, 128, 3000].map(leaseSize)).toEqual([1, 1, 1, 1, 2, 3, 8, 16, 16]);
    // And a grant takes at most an eighth of what is left: the last units go one a call.
    expect([0, 1, 15, 16, 30, 64, 3000].map(grantCap)).toEqual([1, 1, 1, 2, 3, 8, 375]);
  });

  it("grants AgentRates' units atomically: 40 concurrent leases of 8 never pass a limit of 30", async () => {
    const r = await rates("agent:lease-probe");
    const period = 1_000_000;
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => r.lease([{ kind: "calls", period, limit: 30, want: 8 }])),
    );
    const granted = outcomes.map((o) => o.granted[0]!);
    expect(granted.reduce((a, b) => a + b, 0)).toBe(30);
    // An eighth of what is left each time (30: 3, 3, 3, 2, 2, 2), then one unit a grant.
    expect(granted.filter((g) => g > 0).sort()).toEqual([...Array(15).fill(1), 2, 2, 2, 3, 3, 3]);
    // Every ask that got nothing is a refusal, counted exactly.
    expect(outcomes.filter((o) => o.refused)).toHaveLength(19);
    expect((await r.counters("calls")).find((c) => c.period === period)).toEqual({ period, count: 30, refused: 19 });
  });

  it("asks a reply's unit ahead only from ample headroom, and never refuses a call for it", async () => {
    const r = await rates("agent:ahead-probe");
    const period = 2_000_000;
    const ask = () =>
      r.lease([
        { kind: "calls", period, limit: 100, want: 1 },
        { kind: "replies", period, limit: 9, want: 1, ahead: true },
      ]);
    // 9 left, then 8: a unit ahead; 7 left: none, and the call's own unit is granted all the same.
    expect([await ask(), await ask(), await ask()]).toEqual([
      { granted: [1, 1] },
      { granted: [1, 1] },
      { granted: [1, 0] },
    ]);
    expect((await r.counters("replies")).find((c) => c.period === period)).toEqual({ period, count: 2, refused: 0 });
  });

  it("a reply's unit comes with the lease a run's call takes anyway: the reply asks AgentRates for nothing", async () => {
    const period = await freshMinute(30_000);
    const taskId = await openTask();
    expect(await as(taskId, "whoami")).toMatchObject({ ok: true });
    const leased = ((await (await t.vault(taskId)).ledger()).leased as Leased[]).filter((l) => l.period === period);
    expect(leased.find((l) => l.kind === "replies")?.units).toBe(1);
    const replies = (await counter("agent:flood-agent", "replies", period))!.count;
    expect(await as(taskId, "reply.send", { text: "On its way." }, `ahead-${taskId}`)).toMatchObject({ ok: true });
    // Spent from the lease: no new grant counted, nothing left ahead.
    expect((await counter("agent:flood-agent", "replies", period))!.count).toBe(replies);
    const after = ((await (await t.vault(taskId)).ledger()).leased as Leased[]).filter((l) => l.kind === "replies");
    expect(after).toEqual([]);
  });

  it("leases a task a whole lease at once and returns the unspent units when a run ends and when the vault is wiped", async () => {
    const period = await freshMinute(30_000);
    const before = (await counter("agent:flood-agent", "calls", period))?.count ?? 0;
    const taskId = await openTask();
    let calls = 1; // the run's own whoami
    const held = async () =>
      ((await (await t.vault(taskId)).ledger()).leased as Leased[])
        .filter((l) => l.kind === "calls" && l.period === period)
        .reduce((n, l) => n + l.units, 0);
    /** Calls until the task holds units it has not spent (the first call's lease, less that call). */
    const callUntilHeld = async () => {
      let leased = 0;
      for (let i = 0; i < 6 && leased === 0; i++) {
        expect(await as(taskId, "whoami")).toMatchObject({ ok: true });
        calls++;
        leased = await held();
      }
      expect(leased).toBeGreaterThan(0);
      // Never more than a lease less the call that took it.
      expect(leased).toBeLessThanOrEqual(leaseSize(30) - 1);
      // Counted as used when granted: every call made, and the units still held.
      expect((await counter("agent:flood-agent", "calls", period))!.count).toBe(before + calls + leased);
    };
    await callUntilHeld();
    // A run's end (its keys revoked): the units it did not spend go back.
    const vault = (await t.vault(taskId)) as unknown as { revoke(jtis: string[]): Promise<string> };
    expect(await vault.revoke([])).toBe("revoked");
    expect(await held()).toBe(0);
    expect((await counter("agent:flood-agent", "calls", period))!.count).toBe(before + calls);
    // The wipe: likewise.
    await callUntilHeld();
    await (await t.vault(taskId)).close();
    expect(minute()).toBe(period);
    expect((await counter("agent:flood-agent", "calls", period))!.count).toBe(before + calls);
  });

  it("finished tasks hold none of the agent's units: 12 runs that each leased a whole lease leave only what they spent counted", async () => {
    const period = await freshMinute(30_000);
    const before = (await counter("agent:flood-agent", "calls", period)) ?? { count: 0, refused: 0 };
    // Each run makes one call (whoami) on a lease of up to 3: held after their runs, 12 leases would
    // take up to 36 of the minute's 30 units, and a live task would be refused with most of them unspent.
    const taskIds: string[] = [];
    for (let i = 0; i < 12; i++) taskIds.push(await openTask());
    expect(minute()).toBe(period);
    const now = (await counter("agent:flood-agent", "calls", period))!;
    // Counted: the 12 calls made, none refused; held: nothing, by any of the finished tasks.
    expect(now).toEqual({ period, count: before.count + 12, refused: before.refused });
    const held = await Promise.all(taskIds.map(async (id) => (await (await t.vault(id)).ledger()).leased as Leased[]));
    expect(held.flat()).toEqual([]);
    // What they did not spend is there for a live task.
    const live = await openTask();
    expect(await as(live, "whoami")).toMatchObject({ ok: true });
  });

  attack(
    {
      surface: "cell",
      class: "rate-limits",
      tries: "186 concurrent calls and replies from 6 tasks holding leases (30 a minute)",
      evidence:
        "30 units granted, none spent twice: allowed + still leased = 30; the rest rate_limited, counted exactly, audited per counter at 1, 10, 100",
    },
    async () => {
      const period = await freshMinute();
      // What this minute counted before (the test above): the burst gets the rest of the limit.
      const before = (await counter("agent:flood-agent", "calls", period)) ?? { count: 0, refused: 0 };
      // Each task's run makes one call (whoami), which takes a lease of 1.
      const taskIds = await Promise.all(Array.from({ length: 6 }, () => openTask()));
      const answers = await Promise.all(
        taskIds.flatMap((id) =>
          Array.from({ length: 30 }, (_, i) =>
            i % 2 ? as(id, "whoami") : as(id, "reply.send", { text: `Update ${i}.` }, `lease-${id}-${i}`),
          ),
        ),
      );
      expect(minute()).toBe(period);
      const refused = answers.filter((a) => !a.ok);
      expect(refused.map((a) => a.error)).toEqual(Array(refused.length).fill("rate_limited"));
      // Every unit granted is spent (the runs' 6 calls, the burst's allowed ones) or still in a task's lease.
      const allowed = answers.filter((a) => a.ok).length + 6;
      const leased = (
        await Promise.all(taskIds.map(async (id) => (await (await t.vault(id)).ledger()).leased as Leased[]))
      )
        .flat()
        .filter((l) => l.kind === "calls" && l.period === period);
      expect(before.count + allowed).toBeLessThanOrEqual(30);
      expect(before.count + allowed + leased.reduce((n, l) => n + l.units, 0)).toBe(30);
      // Every refusal is counted once, on the first counter that could grant nothing (calls, or replies).
      const calls = (await counter("agent:flood-agent", "calls", period))!;
      const replies = (await counter("agent:flood-agent", "replies", period))!;
      expect(calls.count).toBe(30);
      expect(replies.count).toBeLessThanOrEqual(30);
      expect(calls.refused - before.refused + replies.refused).toBe(186 - allowed);
      const rows = (await Promise.all(taskIds.map((id) => t.audit(id)))).flat().filter((e) => e.event === "proxy.call");
      expect(rows.filter((e) => e.decision === "allowed")).toHaveLength(allowed);
      const limited = rows.filter((e) => e.decision === "refused");
      expect(limited.every((e) => e.reason === "rate_limited")).toBe(true);
      // Audited in aggregate, per counter: its 1st, 10th, 100th … refusal.
      const audited = (what: string) =>
        limited
          .map((e) => String(e.detail?.message))
          .filter((m) => m.includes(`${what} per minute for agent:flood-agent`))
          .map((m) => Number(m.match(/refusals so far: (\d+)/)?.[1]))
          .sort((x, y) => x - y);
      const powers = (from: number, to: number) => [1, 10, 100, 1000].filter((p) => p > from && p <= to);
      expect(audited("proxy calls")).toEqual(powers(before.refused, calls.refused));
      expect(audited("replies")).toEqual(powers(0, replies.refused));
      expect(limited).toHaveLength(powers(before.refused, calls.refused).length + powers(0, replies.refused).length);
    },
  );
});
