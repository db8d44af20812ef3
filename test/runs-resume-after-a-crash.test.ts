import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../tools/local/secrets.ts";
import { type System, startSystem } from "../tools/local/system.ts";
import { eventually } from "./support/eventually.ts";
import { FAULTY } from "./support/system.ts";

/**
 * The acceptance test of durable runs: the runtime stops in the middle of
 * runs (each has issued its refund and not yet replied); after a restart
 * every task reaches its outcome without anyone asking, with one refund and
 * one reply each, and the audit chain verifies.
 */
const ORDERS = [
  ["cus_1001", "ord_5002", 249],
  ["cus_1002", "ord_5003", 100],
  ["cus_1004", "ord_5005", 129],
  ["cus_1005", "ord_5006", 89],
  ["cus_1006", "ord_5007", 129],
  ["cus_1008", "ord_5009", 59],
] as const;

describe("runs survive a crash of the runtime", () => {
  it("every run stopped between its refund and its reply resumes after the restart and ends once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-crash-"));
    const secrets = await generateSecrets();
    const opts = { secrets, persistTo: dir, extraAgents: [FAULTY] };
    let second: System | undefined;
    try {
      const first = await startSystem(opts);
      const call = (sys: System, path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
        sys.mf
          .dispatchFetch(new URL(path, sys.url).href, {
            method: init.method ?? (init.body ? "POST" : "GET"),
            headers: {
              authorization: `Bearer ${init.key ?? secrets.SILOOS_API_KEY}`,
              "content-type": "application/json",
            },
            body: init.body ? JSON.stringify(init.body) : undefined,
          })
          .then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      const ids: string[] = [];
      for (const [customerId, orderId, amount] of ORDERS) {
        const res = await call(first, "/v1/tasks?async=1", {
          body: { agent: "faulty-agent", subject: { customerId }, message: `slow-refund ${orderId} ${amount} 600000` },
        });
        expect(res.status).toBe(202);
        ids.push(res.body.taskId);
      }
      const refunds = async (sys: System, id: string) =>
        (
          await (
            await sys.db()
          )
            .prepare("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?")
            .bind(id)
            .first<{ n: number }>()
        )?.n ?? 0;
      // Every run has refunded and is waiting to reply: now the runtime dies.
      await eventually(
        async () => (await Promise.all(ids.map((id) => refunds(first, id)))).every((n) => n === 1),
        60_000,
        "every refund issued",
      );
      for (const id of ids)
        expect((await call(first, `/v1/tasks/${id}`)).body).toMatchObject({ status: "open", outcome: null });
      await first.dispose();

      // After the restart nobody calls anything but GET: the runs resume on their own.
      second = await startSystem({ ...opts, seed: false });
      const sys = second;
      const outcomes = await eventually(
        async () => {
          const views = await Promise.all(ids.map(async (id) => (await call(sys, `/v1/tasks/${id}`)).body));
          return views.every((v) => v.outcome === "completed") ? views : null;
        },
        60_000,
        "every task completed after the restart",
      );
      for (const [i, v] of outcomes.entries())
        expect(v.replies).toEqual([`Refunded ${ORDERS[i]![2]} USD for ${ORDERS[i]![1]}.`]);
      for (const id of ids) expect(await refunds(sys, id)).toBe(1);
      const verify = await call(sys, "/v1/audit/verify", { key: secrets.SILOOS_ADMIN_KEY });
      expect(verify.status).toBe(200);
    } finally {
      await second?.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
