import { describe, expect, it } from "vitest";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, SPENDER, useSystem } from "./support/system.ts";

/**
 * Money limits are checked and reserved in one conditional write
 * (src/proxy/ledger/refunds.ts): N concurrent calls in one task and N
 * concurrent tasks never exceed the order's refundable amount, the per-task
 * ceiling, or the daily limits per principal and per customer the grant
 * declares. The assertions read the refunds table, not only status codes.
 * spender-agent's grant: 100 a refund, 150 a task, 400 a day for the agent,
 * 250 a day per customer, delivered orders only.
 */
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, SPENDER] });

async function sumCents(where: string, ...binds: unknown[]): Promise<number> {
  const row = await (await t.sys.db())
    .prepare(`SELECT COALESCE(SUM(amount_cents), 0) AS s FROM refunds WHERE ${where}`)
    .bind(...binds)
    .first<{ s: number }>();
  return row?.s ?? -1;
}

async function openTask(agent: string, customerId: string): Promise<string> {
  return (await t.createTask({ agent, subject: { customerId }, message: "hello" })).taskId;
}

const refundIn = (agent: string, taskId: string, orderId: string, amount: number, key: string) =>
  t.drive(agent, {
    attack: "replay",
    taskId,
    op: "refund.issue",
    args: { orderId, amount, currency: "USD", reason: "test" },
    idempotencyKey: key,
  });

async function refusals(taskIds: string[], code: string) {
  const rows = (await Promise.all(taskIds.map((id) => t.audit(id)))).flat();
  return rows.filter((e) => e.op === "refund.issue" && e.decision === "refused" && e.reason === code);
}

describe("the refundable amount of an order holds under concurrency", () => {
  it("8 concurrent 249 refunds of a 249 order in one task: one succeeds, the refunds table sums 249", async () => {
    const taskId = await openTask("puppet-agent", "cus_1001");
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => refundIn("puppet-agent", taskId, "ord_5002", 249, `race-249-${i}-x`)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => a.error)).toEqual(Array(7).fill("limit_exceeded"));
    expect(await sumCents("order_id = 'ord_5002'")).toBe(24900);
    expect(await refusals([taskId], "limit_exceeded")).toHaveLength(7);
  });

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "20 tasks for one customer, each refunding the 89 USD order at the same moment",
      evidence: "refunds table sums 89; 19 refusals audited",
    },
    async () => {
      const taskIds = await Promise.all(Array.from({ length: 20 }, () => openTask("puppet-agent", "cus_1005")));
      const answers = await Promise.all(
        taskIds.map((id, i) => refundIn("puppet-agent", id, "ord_5006", 89, `race-89-${i}-x`)),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(await sumCents("order_id = 'ord_5006'")).toBe(8900);
      expect(await refusals(taskIds, "limit_exceeded")).toHaveLength(19);
    },
    60_000,
  );

  attack(
    {
      surface: "cell",
      class: "races",
      tries: "20 concurrent refund tasks through the public API for one 59 USD order",
      evidence: "refunds table sums 59; one allowed row; one reply claims it",
    },
    async () => {
      const tasks = await Promise.all(
        Array.from({ length: 20 }, () =>
          t.api("/v1/tasks", {
            body: {
              intent: "refund",
              subject: { customerId: "cus_1008" },
              message: "My laptop stand arrived broken. Please refund the 59 USD for ord_5009.",
            },
          }),
        ),
      );
      expect(tasks.every((r) => r.status === 201)).toBe(true);
      expect(await sumCents("order_id = 'ord_5009'")).toBe(5900);
      const allowed = (await Promise.all(tasks.map((r) => t.audit(r.body.taskId))))
        .flat()
        .filter((e) => e.op === "refund.issue" && e.decision === "allowed");
      expect(allowed).toHaveLength(1);
      // Never report an effect that did not happen: one task tells its customer it refunded.
      const claimed = tasks.filter((r) =>
        (r.body.replies ?? []).some((text: string) => text.includes("I have refunded")),
      );
      expect(claimed).toHaveLength(1);
    },
    180_000,
  );
});

describe("limits that span tasks, declared in the grant", () => {
  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "open 4 tasks for one customer and refund 100 in each at once",
      evidence: "customer's refunds in 24 h sum at most the 250 daily limit",
    },
    async () => {
      const taskIds = await Promise.all([1, 2, 3, 4].map(() => openTask("spender-agent", "cus_1002")));
      const answers = await Promise.all(
        taskIds.map((id, i) => refundIn("spender-agent", id, "ord_5003", 100, `cust-day-${i}-x`)),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(2);
      expect(await sumCents("customer_id = 'cus_1002'")).toBe(20000);
      expect(await refusals(taskIds, "limit_exceeded")).toHaveLength(2);
    },
  );

  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "spread refunds over tasks of several customers to beat the agent's daily limit",
      evidence: "agent's refunds in 24 h sum at most 400; refusals audited",
    },
    async () => {
      const plan = [
        ["cus_1004", "ord_5005", 100],
        ["cus_1004", "ord_5005", 100],
        ["cus_1006", "ord_5007", 100],
        ["cus_1008", "ord_5009", 59],
        ["cus_1001", "ord_5001", 100],
        ["cus_1001", "ord_5001", 100],
      ] as const;
      const taskIds = await Promise.all(plan.map(([customer]) => openTask("spender-agent", customer)));
      const answers = await Promise.all(
        plan.map(([, order, amount], i) => refundIn("spender-agent", taskIds[i]!, order, amount, `agent-day-${i}-x`)),
      );
      expect(answers.some((a) => !a.ok && a.error === "limit_exceeded")).toBe(true);
      expect(await sumCents("actor = 'agent:spender-agent'")).toBeLessThanOrEqual(40000);
      expect((await refusals(taskIds, "limit_exceeded")).length).toBe(answers.filter((a) => !a.ok).length);
    },
  );

  it("the per-task ceiling holds for 10 concurrent refunds in one task (puppet: 500 a task)", async () => {
    const taskId = await openTask("puppet-agent", "cus_1004");
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refundIn("puppet-agent", taskId, "ord_5005", 100, `per-task-${i}-x`)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect(await sumCents("task_id = ?", taskId)).toBe(50000);
  });
});

describe("money rules live in the grant and the proxy", () => {
  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "refund an order still in transit, and one already returned",
      evidence: "order_not_refundable, audited, no refunds row",
    },
    async () => {
      for (const [customer, order, amount] of [
        ["cus_1003", "ord_5004", 100],
        ["cus_1007", "ord_5008", 99],
      ] as const) {
        const taskId = await openTask("puppet-agent", customer);
        expect(await refundIn("puppet-agent", taskId, order, amount, `status-${order}-x`)).toMatchObject({
          ok: false,
          error: "order_not_refundable",
        });
        expect((await t.audit(taskId)).at(-1)).toMatchObject({
          op: "refund.issue",
          decision: "refused",
          reason: "order_not_refundable",
        });
        expect(await sumCents("order_id = ?", order)).toBe(0);
      }
    },
  );

  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "an amount the D1 CHECK refuses (1e-9 USD)",
      evidence: "validation_failed, audited, not audit_unavailable; no row",
    },
    async () => {
      const taskId = await openTask("puppet-agent", "cus_1008");
      const res = await refundIn("puppet-agent", taskId, "ord_5009", 1e-9, "tiny-amount-01");
      expect(res).toMatchObject({ ok: false, error: "validation_failed" });
      expect((await t.audit(taskId)).at(-1)).toMatchObject({
        op: "refund.issue",
        decision: "refused",
        reason: "validation_failed",
      });
      expect(await sumCents("task_id = ?", taskId)).toBe(0);
    },
  );
});
