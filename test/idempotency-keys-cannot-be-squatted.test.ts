import { beforeEach, describe, expect, it } from "vitest";
import { actionKey, fingerprint } from "../src/sdk/loop.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, SPENDER, useSystem } from "./support/system.ts";

/**
 * Idempotency keys are scoped to (task, principal, operation) and bound to a
 * hash of the arguments (src/proxy/ledger/effects.ts for refunds, the task's
 * vault for replies and mail, src/vault/ledger.ts): one principal cannot
 * squat the key another will use, a key reused with other arguments is
 * refused, and a replay never reports an effect that did not happen.
 */
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, SPENDER] });
const db = () => t.sys.db();

let taskId = "";
beforeEach(async () => {
  taskId = (
    await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1004", caseId: "cas_2003" },
      message: "hello",
    })
  ).taskId;
});

const call = (op: string, args: Record<string, unknown>, idempotencyKey: string) =>
  t.puppet({ attack: "replay", op, args, idempotencyKey });
const refund = (amount: number, key: string) =>
  call("refund.issue", { orderId: "ord_5005", amount, currency: "USD", reason: "test" }, key);

async function refundRows(where: string, ...binds: unknown[]) {
  return (
    await (
      await db()
    )
      .prepare(`SELECT order_id, actor, amount_cents FROM refunds WHERE ${where}`)
      .bind(...binds)
      .all<{ order_id: string; actor: string; amount_cents: number }>()
  ).results;
}

async function expectAuditedRefusal(code: string, op: string) {
  expect((await t.audit(taskId)).at(-1)).toMatchObject({ event: "proxy.call", op, decision: "refused", reason: code });
}

describe("idempotency keys belong to one principal, one operation and one set of arguments", () => {
  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "squat the manager's refund key with a 1 USD refund before escalating the 700 story",
      evidence: "manager's 700 refund is a real row, not replayed",
    },
    async () => {
      const task = await t.createTask({
        agent: "spender-agent",
        subject: { customerId: "cus_1001", caseId: "cas_2001" },
        message: "My desk arrived cracked. Please refund the 700 USD for ord_5001.",
      });
      // The exact arguments the manager's model will use, and the keys the SDK derives from them (old and new formula).
      const label = `refund.issue.${fingerprint({ orderId: "ord_5001", amount: 700, currency: "USD", reason: "customer request: delivered order" })}`;
      const keys = [`${task.taskId}.${label}`.slice(0, 80), actionKey(task.taskId, label)];
      for (const key of keys) {
        const squat = await t.drive("spender-agent", {
          attack: "replay",
          op: "refund.issue",
          args: { orderId: "ord_5002", amount: 1, currency: "USD", reason: "squat" },
          idempotencyKey: key,
        });
        expect(squat).toMatchObject({ ok: true });
      }
      await t.drive("spender-agent", {
        attack: "result",
        result: {
          status: "escalate",
          target: "manager-agent",
          reason: "refund of 700 USD exceeds my limit of 100",
          summary: "Customer [NAME_1] asks for a refund of 700 USD for order ord_5001 (delivered).",
        },
      });
      const res = await t.api(`/v1/tasks/${task.taskId}/messages`, {
        body: { message: "Any news on the 700 USD for ord_5001?" },
      });
      expect(res.status).toBe(200);
      expect(res.body.hops ?? [res.body.assignee]).toContain("agent:manager-agent");

      expect(await refundRows("task_id = ? AND order_id = 'ord_5001'", task.taskId)).toEqual([
        { order_id: "ord_5001", actor: "agent:manager-agent", amount_cents: 70000 },
      ]);
      const managerRefunds = (await t.audit(task.taskId)).filter(
        (e) => e.actor === "agent:manager-agent" && e.op === "refund.issue",
      );
      expect(managerRefunds).toEqual([
        expect.objectContaining({
          decision: "allowed",
          detail: expect.objectContaining({ orderId: "ord_5001", amount: 700 }),
        }),
      ]);
      expect(managerRefunds[0]?.detail?.replayed).toBeUndefined();
    },
    120_000,
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "reuse a refund key with another amount",
      evidence: "idempotency_conflict, audited, one 10 USD row",
    },
    async () => {
      expect(await refund(10, "reuse-refund-01")).toMatchObject({ ok: true, result: { amount: 10, replayed: false } });
      expect(await refund(200, "reuse-refund-01")).toMatchObject({ ok: false, error: "idempotency_conflict" });
      await expectAuditedRefusal("idempotency_conflict", "refund.issue");
      expect(await refundRows("task_id = ?", taskId)).toEqual([
        { order_id: "ord_5005", actor: "agent:puppet-agent", amount_cents: 1000 },
      ]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "reuse a reply key with other text",
      evidence: "idempotency_conflict, audited, one reply in the transcript",
    },
    async () => {
      expect(await call("reply.send", { text: "Your refund is approved." }, "reuse-reply-01")).toMatchObject({
        ok: true,
        result: { delivered: true, replayed: false },
      });
      expect(await call("reply.send", { text: "Ignore that: click here." }, "reuse-reply-01")).toMatchObject({
        ok: false,
        error: "idempotency_conflict",
      });
      await expectAuditedRefusal("idempotency_conflict", "reply.send");
      const transcript = await t.puppet({ attack: "replay", op: "transcript.read" });
      expect(
        transcript.result.filter((e: { role: string }) => e.role === "agent").map((e: { text: string }) => e.text),
      ).toEqual(["Your refund is approved."]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "reuse an email key with other variables",
      evidence: "idempotency_conflict, audited, one outbox row",
    },
    async () => {
      await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1004" } });
      const first = await call(
        "email.send",
        { template: "puppet-notice", to: "[EMAIL_1]", variables: { name: "[NAME_1]", note: "Parts ship today." } },
        "reuse-email-01",
      );
      expect(first).toMatchObject({ ok: true, result: { replayed: false } });
      const again = await call(
        "email.send",
        { template: "puppet-notice", to: "[EMAIL_1]", variables: { name: "[NAME_1]", note: "Parts ship today." } },
        "reuse-email-01",
      );
      // A replay is the stored effect exactly: the same message, flagged as a replay.
      expect(again.result).toEqual({ ...first.result, replayed: true });
      const other = await call(
        "email.send",
        {
          template: "puppet-notice",
          to: "[EMAIL_1]",
          variables: { name: "[NAME_1]", note: "Your refund of 1299 USD is done." },
        },
        "reuse-email-01",
      );
      expect(other).toMatchObject({ ok: false, error: "idempotency_conflict" });
      await expectAuditedRefusal("idempotency_conflict", "email.send");
      const rows = await (await db())
        .prepare("SELECT COUNT(*) AS n FROM outbox WHERE task_id = ?")
        .bind(taskId)
        .first<{ n: number }>();
      expect(rows?.n).toBe(1);
    },
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "fire 10 identical refunds with one key at once",
      evidence: "one refunds row; every answer is that refund or conflict, never audit_unavailable",
    },
    async () => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => refund(25, "same-key-burst-01")));
      const rows = await refundRows("task_id = ?", taskId);
      expect(rows).toEqual([{ order_id: "ord_5005", actor: "agent:puppet-agent", amount_cents: 2500 }]);
      const refundIds = new Set(answers.filter((a) => a.ok).map((a) => a.result.refundId));
      expect(refundIds.size).toBe(1);
      for (const a of answers) if (!a.ok) expect(a.error).toBe("conflict");
      expect(answers.filter((a) => a.ok && a.result.replayed === false)).toHaveLength(1);
      const allowed = (await t.audit(taskId)).filter(
        (e) => e.op === "refund.issue" && e.decision === "allowed" && !e.detail?.replayed,
      );
      expect(allowed).toHaveLength(1);
    },
  );

  // The claim for replies and mail moved from a D1 conditional insert into the task's vault (issue 15):
  // the vault serialises its calls, so of N concurrent calls with one key exactly one runs.
  it("10 identical replies and 10 identical emails with one key at once: one transcript entry, one outbox row", async () => {
    await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1004" } });
    const email = {
      template: "puppet-notice",
      to: "[EMAIL_1]",
      variables: { name: "[NAME_1]", note: "Parts ship today." },
    };
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        call("reply.send", { text: "Your parts ship today." }, "same-reply-burst-01"),
      ),
      ...Array.from({ length: 10 }, () => call("email.send", email, "same-email-burst-01")),
    ]);
    const [replies, emails] = [answers.slice(0, 10), answers.slice(10)];
    for (const group of [replies, emails]) {
      for (const a of group) if (!a.ok) expect(a.error).toBe("conflict");
      expect(group.filter((a) => a.ok && a.result.replayed === false)).toHaveLength(1);
    }
    const transcript = await t.puppet({ attack: "replay", op: "transcript.read" });
    expect(
      transcript.result.filter(
        (e: { role: string; text: string }) => e.role === "agent" && e.text === "Your parts ship today.",
      ),
    ).toHaveLength(1);
    const rows = await (await db())
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE task_id = ?")
      .bind(taskId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    const audit = await t.audit(taskId);
    for (const op of ["reply.send", "email.send"])
      expect(audit.filter((e) => e.op === op && e.decision === "allowed" && !e.detail?.replayed)).toHaveLength(1);
  });
});
