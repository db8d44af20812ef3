import { beforeAll, describe, expect, it } from "vitest";
import { operator } from "./support/console.ts";
import { attack } from "./support/redteam.ts";
import { APPROVAL, APPROVAL_PUPPET, HOSTILE, PUPPET, useSystem } from "./support/system.ts";

/**
 * Approve later, not stop now (docs/approvals.md). approval-puppet's grant:
 * refunds up to 500 run, up to 5000 are held for a supervisor, above that
 * refused. carol is a supervisor, alice is support. Every test opens its own
 * task and order (ord_9xxx, 2000 USD, delivered), so their ledgers are apart.
 */
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, APPROVAL, APPROVAL_PUPPET] });
const AGENT = "approval-puppet";

beforeAll(async () => {
  const db = await t.sys.db();
  const rows = Array.from(
    { length: 12 },
    (_, i) => `('ord_${9001 + i}', 'cus_1004', 'Test item ${i}', 200000, 'USD', 'delivered', 1762300800000)`,
  );
  await db
    .prepare(
      `INSERT INTO orders (id, customer_id, item, total_cents, currency, status, placed_at) VALUES ${rows.join(", ")}`,
    )
    .run();
});

const openTask = async () =>
  (await t.createTask({ agent: AGENT, subject: { customerId: "cus_1004" }, message: "Please refund my order." }))
    .taskId as string;

const ask = (taskId: string, orderId: string, amount: number, key: string) =>
  t.drive(AGENT, {
    attack: "replay",
    taskId,
    op: "refund.issue",
    args: { orderId, amount, currency: "USD", reason: "customer request: delivered order" },
    idempotencyKey: key,
  });

async function held(taskId: string, orderId: string, amount = 700) {
  const res = await ask(taskId, orderId, amount, `held-${orderId}`);
  expect(res).toMatchObject({
    ok: true,
    result: { status: "pending_approval", role: "supervisor", orderId, amount, currency: "USD" },
  });
  return res.result.actionId as string;
}

async function sql<T = Record<string, unknown>>(query: string, ...binds: unknown[]): Promise<T[]> {
  return (
    await (
      await t.sys.db()
    )
      .prepare(query)
      .bind(...binds)
      .all<T>()
  ).results;
}
const refundsOf = (taskId: string) =>
  sql("SELECT order_id, amount_cents, actor, idempotency_key FROM refunds WHERE task_id = ?", taskId);
const statusOf = async (id: string) =>
  (await sql<{ status: string }>("SELECT status FROM pending_actions WHERE id = ?", id))[0]?.status;
const replies = async (taskId: string) => (await t.api(`/v1/tasks/${taskId}`)).body.replies as string[];

describe("a refund above the limit is held, then approved or rejected by a person", () => {
  it("holds 700, shows it to a supervisor with its arguments, procedure and transcript, and runs exactly the held call once approved", async () => {
    const taskId = await openTask();
    const id = await held(taskId, "ord_9001");
    expect(await refundsOf(taskId)).toEqual([]);
    // A retry of the same call is the same pending action, not a second one.
    expect(await ask(taskId, "ord_9001", 700, "held-ord_9001")).toMatchObject({
      ok: true,
      result: { actionId: id, replayed: true },
    });
    expect(await sql("SELECT COUNT(*) AS n FROM pending_actions WHERE task_id = ?", taskId)).toEqual([{ n: 1 }]);

    const carol = await operator(t, "carol");
    const list = await carol.call("/approvals");
    const action = list.body.actions.find((a: { id: string }) => a.id === id);
    expect(action).toMatchObject({
      taskId,
      proposedBy: `agent:${AGENT}`,
      op: "refund.issue",
      args: { orderId: "ord_9001", amount: 700, currency: "USD" },
      records: { customer: "cus_1004", order: { id: "ord_9001", status: "delivered" } },
    });
    expect(action.procedure).toContain("Approval puppet");
    expect(action.transcript[0]).toMatchObject({ role: "customer", text: "Please refund my order." });
    // Support is not the role this action needs: not listed, not decidable.
    const alice = await operator(t, "alice");
    expect((await alice.call("/approvals")).body.actions.map((a: { id: string }) => a.id)).not.toContain(id);
    expect((await alice.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes).toEqual([
      expect.objectContaining({ id, status: "refused", error: "forbidden" }),
    ]);

    const decided = await carol.call("/approvals/decide", { ids: [id], decision: "approve" });
    expect(decided.body.outcomes).toEqual([
      expect.objectContaining({ id, status: "approved", refundId: expect.stringMatching(/^ref_/) }),
    ]);
    expect(await refundsOf(taskId)).toEqual([
      {
        order_id: "ord_9001",
        amount_cents: 70000,
        actor: `agent:${AGENT}`,
        idempotency_key: `agent:${AGENT}|held-ord_9001`,
      },
    ]);
    expect(await statusOf(id)).toBe("approved");
    expect((await replies(taskId)).at(-1)).toContain("your refund of 700.00 USD for order ord_9001 has been approved");

    const audit = await t.audit(taskId);
    expect(
      audit
        .filter((e) => e.event.startsWith("approval.") || e.op === "refund.issue")
        .map((e) => `${e.actor} ${e.event} ${e.decision ?? "-"} ${e.reason ?? "-"}`),
    ).toEqual([
      `agent:${AGENT} approval.held - -`,
      // The retry: a replay of the held call's recorded answer, audited as such.
      `agent:${AGENT} proxy.call allowed -`,
      "human:op_alice approval.approved refused forbidden",
      "human:op_carol approval.approved - -",
      "human:op_carol proxy.call allowed -",
    ]);
    expect(audit.find((e) => e.event === "proxy.call" && e.actor === "human:op_carol")?.detail).toMatchObject({
      actionId: id,
      approvedBy: "human:op_carol",
      proposedBy: `agent:${AGENT}`,
      amount: 700,
    });
    // Decided is decided: a second approval executes nothing.
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes[0]).toMatchObject({
      status: "refused",
      error: "conflict",
    });
    expect(await refundsOf(taskId)).toHaveLength(1);
  });

  it("a rejected action runs nothing; the customer is told; it cannot be approved afterwards", async () => {
    const taskId = await openTask();
    const id = await held(taskId, "ord_9002", 900);
    const carol = await operator(t, "carol");
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "reject" })).body.outcomes).toEqual([
      { id, status: "rejected" },
    ]);
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes[0]).toMatchObject({
      status: "refused",
      error: "conflict",
    });
    expect(await refundsOf(taskId)).toEqual([]);
    expect(await statusOf(id)).toBe("rejected");
    expect((await replies(taskId)).at(-1)).toContain("could not be approved");
    expect(
      (await t.audit(taskId)).filter((e) => e.event === "approval.rejected").map((e) => [e.actor, e.decision]),
    ).toEqual([["human:op_carol", null]]);
  });

  it("bulk approve: three actions of three tasks in one decision, each run once", async () => {
    const tasks = await Promise.all([openTask(), openTask(), openTask()]);
    const ids = await Promise.all(tasks.map((taskId, i) => held(taskId, `ord_${9003 + i}`, 600 + i)));
    const carol = await operator(t, "carol");
    const res = await carol.call("/approvals/decide", { ids, decision: "approve" });
    expect(res.body.outcomes.map((o: { status: string }) => o.status)).toEqual(["approved", "approved", "approved"]);
    expect((await Promise.all(tasks.map(refundsOf))).map((r) => r.map((x) => x.amount_cents))).toEqual([
      [60000],
      [60100],
      [60200],
    ]);
  });

  it("the agent finishing does not end the wait: the task waits as awaiting_approval with its keys revoked, and the last decision completes it", async () => {
    const taskId = await openTask();
    const id = await held(taskId, "ord_9006", 750);
    const done = await t.api(`/v1/tasks/${taskId}/complete`, { method: "POST" });
    expect(done.body).toMatchObject({ status: "open", outcome: "awaiting_approval" });
    expect(await ask(taskId, "ord_9006", 10, "after-finish")).toMatchObject({ ok: false, error: "key_revoked" });
    expect((await t.vault(taskId)).stats()).resolves.toMatchObject({ open: true });

    const carol = await operator(t, "carol");
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes[0]).toMatchObject({
      status: "approved",
    });
    expect((await t.api(`/v1/tasks/${taskId}`)).body.status).toBe("completed");
    expect(await (await t.vault(taskId)).stats()).toMatchObject({ open: false, tokens: 0 });
    const events = (await t.audit(taskId)).map((e) => e.event);
    expect(events.indexOf("task.awaiting_approval")).toBeLessThan(events.indexOf("approval.approved"));
    expect(events.indexOf("approval.approved")).toBeLessThan(events.indexOf("task.completed"));
  });

  it("an approval never outlives its task: past the task's expiry it runs nothing and is marked expired", async () => {
    const taskId = await openTask();
    const id = await held(taskId, "ord_9007", 800);
    // The task's life ends (its expiry is what the row holds; the clock is not waited on).
    await (await t.sys.db())
      .prepare("UPDATE pending_actions SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, id)
      .run();
    const carol = await operator(t, "carol");
    expect((await carol.call("/approvals")).body.actions.map((a: { id: string }) => a.id)).not.toContain(id);
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes[0]).toMatchObject({
      status: "refused",
      error: "approval_expired",
    });
    expect(await refundsOf(taskId)).toEqual([]);
    expect(await statusOf(id)).toBe("expired");
    expect((await t.audit(taskId)).filter((e) => e.event === "approval.expired")).toHaveLength(1);
  });

  it("a person cannot raise the amount while approving: a decision carries ids and approve/reject only", async () => {
    const taskId = await openTask();
    const id = await held(taskId, "ord_9008", 700);
    const carol = await operator(t, "carol");
    const res = await carol.call("/approvals/decide", { ids: [id], decision: "approve", amount: 5000 });
    expect(res).toMatchObject({ status: 400, body: { error: "validation_failed" } });
    expect(await statusOf(id)).toBe("pending");
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes[0]).toMatchObject({
      status: "approved",
    });
    expect((await refundsOf(taskId)).map((r) => r.amount_cents)).toEqual([70000]);
  });
});

describe("the README story: a 700 USD refund held for approval, approved in the console, the customer told", () => {
  it("the refund agent's code and procedure under an approval grant: asks, is held, tells the customer; carol approves; the customer is told", async () => {
    const task = await t.createTask({
      agent: "approval-agent",
      subject: { customerId: "cus_1001", caseId: "cas_2001" },
      message: "Hi, Maria Alvarez here. My desk arrived cracked: please refund the 700 USD for ord_5001.",
    });
    expect(task).toMatchObject({ status: "open", outcome: "completed" });
    expect(task.reply).toBe(
      "Hello Maria Alvarez, your refund of 700.00 USD for order ord_5001 needs a supervisor's approval. You will hear the outcome here as soon as it is decided.",
    );
    expect(await refundsOf(task.taskId)).toEqual([]);

    const carol = await operator(t, "carol");
    const action = (await carol.call("/approvals")).body.actions.find(
      (a: { taskId: string }) => a.taskId === task.taskId,
    );
    expect(action).toMatchObject({
      proposedBy: "agent:approval-agent",
      args: { orderId: "ord_5001", amount: 700, currency: "USD" },
    });
    expect(JSON.stringify(action)).not.toMatch(/Maria|Alvarez|4111/);
    expect(action.procedure).toContain("Refund agent: operating procedure");
    expect(
      (await carol.call("/approvals/decide", { ids: [action.id], decision: "approve" })).body.outcomes[0],
    ).toMatchObject({ status: "approved" });

    expect(await refundsOf(task.taskId)).toEqual([
      {
        order_id: "ord_5001",
        amount_cents: 70000,
        actor: "agent:approval-agent",
        idempotency_key: expect.stringMatching(/^agent:approval-agent\|refund\.issue\./),
      },
    ]);
    expect((await replies(task.taskId)).at(-1)).toBe(
      "Good news: your refund of 700.00 USD for order ord_5001 has been approved. You will see it within 5 to 10 business days.",
    );
    const story = (await t.audit(task.taskId)).filter(
      (e) =>
        e.event.startsWith("approval.") ||
        (e.event === "proxy.call" && ["refund.issue", "reply.send"].includes(e.op ?? "")),
    );
    expect(story.map((e) => `${e.actor} ${e.event} ${e.op}`)).toEqual([
      "agent:approval-agent approval.held refund.issue",
      "agent:approval-agent proxy.call reply.send",
      "human:op_carol approval.approved refund.issue",
      "human:op_carol proxy.call refund.issue",
    ]);
  });
});

describe("two people approving at once execute once", () => {
  attack(
    {
      surface: "edge",
      class: "races",
      tries: "approve one held 700 refund 10 times at once",
      evidence: "one approved, nine conflict, one refund row, one approval.approved row",
    },
    async () => {
      const taskId = await openTask();
      const id = await held(taskId, "ord_9009", 700);
      const carol = await operator(t, "carol");
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => carol.call("/approvals/decide", { ids: [id], decision: "approve" })),
      );
      const statuses = answers.map((a) => a.body.outcomes[0].status);
      expect(statuses.filter((s) => s === "approved")).toHaveLength(1);
      expect(
        answers
          .map((a) => a.body.outcomes[0])
          .filter((o) => o.status !== "approved")
          .map((o) => o.error),
      ).toEqual(Array(9).fill("conflict"));
      expect(await refundsOf(taskId)).toHaveLength(1);
      expect(
        (await t.audit(taskId)).filter((e) => e.event === "approval.approved" && e.decision === null),
      ).toHaveLength(1);
    },
  );
});

describe("an agent can neither approve nor alter its own pending action", () => {
  attack(
    {
      surface: "cell",
      class: "escalation",
      tries: "call the proxy's decideActions from the agent's binding to approve its own held refund",
      evidence: "no such method on the agent's door; action still pending; no refund",
    },
    async () => {
      const taskId = await openTask();
      const id = await held(taskId, "ord_9010", 700);
      const res = await t.drive(AGENT, {
        attack: "router-gate-call",
        op: "decideActions",
        args: { ids: [id], decision: "approve", by: "human:op_carol", role: "supervisor" },
      });
      expect(res).toMatchObject({ ok: false });
      expect(await statusOf(id)).toBe("pending");
      expect(await refundsOf(taskId)).toEqual([]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "escalation",
      tries: "ask the proxy for an approval op on its own held refund",
      evidence: "unknown_operation and its refused audit row; action still pending",
    },
    async () => {
      const taskId = await openTask();
      const id = await held(taskId, "ord_9011", 700);
      for (const op of ["approval.decide", "approvals.approve", "refund.approve"]) {
        const res = await t.drive(AGENT, {
          attack: "replay",
          taskId,
          op,
          args: { id, decision: "approve" },
          idempotencyKey: `approve-${op}`,
        });
        expect(res).toMatchObject({ ok: false, error: "unknown_operation" });
      }
      const rows = (await t.audit(taskId)).filter((e) => e.event === "proxy.call" && e.decision === "refused");
      expect(rows.map((e) => [e.actor, e.op, e.reason])).toEqual(
        Array(3).fill([`agent:${AGENT}`, "unknown", "unknown_operation"]),
      );
      expect(await statusOf(id)).toBe("pending");
    },
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "resend its held 700 refund under the same key with 5000, then another order",
      evidence: "idempotency_conflict with its audit row; the held row still says 700 on its order",
    },
    async () => {
      const taskId = await openTask();
      const id = await held(taskId, "ord_9012", 700);
      expect(await ask(taskId, "ord_9012", 5000, "held-ord_9012")).toMatchObject({
        ok: false,
        error: "idempotency_conflict",
      });
      const moved = await t.drive(AGENT, {
        attack: "replay",
        taskId,
        op: "refund.issue",
        args: { orderId: "ord_9001", amount: 700, currency: "USD", reason: "customer request: delivered order" },
        idempotencyKey: "held-ord_9012",
      });
      expect(moved).toMatchObject({ ok: false, error: "idempotency_conflict" });
      expect(
        (await t.audit(taskId)).filter((e) => e.op === "refund.issue" && e.reason === "idempotency_conflict"),
      ).toHaveLength(2);
      expect(await sql("SELECT amount_cents, args, status FROM pending_actions WHERE task_id = ?", taskId)).toEqual([
        {
          amount_cents: 70000,
          args: JSON.stringify({
            orderId: "ord_9012",
            amount: 700,
            currency: "USD",
            reason: "customer request: delivered order",
          }),
          status: "pending",
        },
      ]);
      expect(await statusOf(id)).toBe("pending");
    },
  );

  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "ask for 5001 with a 5000 approval band",
      evidence: "limit_exceeded and its audit row; nothing held",
    },
    async () => {
      const taskId = await openTask();
      const res = await ask(taskId, "ord_9001", 5001, "too-big-5001");
      expect(res, JSON.stringify(res)).toMatchObject({ ok: false, error: "limit_exceeded" });
      expect(
        (await t.audit(taskId)).filter((e) => e.op === "refund.issue" && e.reason === "limit_exceeded"),
      ).toHaveLength(1);
      expect(await sql("SELECT id FROM pending_actions WHERE task_id = ?", taskId)).toEqual([]);
    },
  );
});
