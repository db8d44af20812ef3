import { describe, expect } from "vitest";
import { attack } from "./support/redteam.ts";
import { drive, refundsOf, STEER_AGENTS } from "./support/steer.ts";
import { useSystem } from "./support/system.ts";

/**
 * A run's keys die when the run returns (issue 9, item 7): whatever the agent
 * left running in waitUntil, or kept for later, is refused with key_revoked
 * and audited, before the router acts on the result.
 */
const t = useSystem({ extraAgents: STEER_AGENTS });
let n = 0;
const idem = () => `late-${++n}-${Date.now()}`;

async function expectRevokedAndAudited(taskId: string, res: any, op: string) {
  expect(res).toMatchObject({ ok: false, error: "key_revoked" });
  const rows = await t.audit(taskId);
  expect(rows.filter((e) => e.event === "proxy.call" && e.op === op).at(-1)).toMatchObject({
    actor: "agent:steer-agent",
    decision: "refused",
    reason: "key_revoked",
  });
  // The revocation itself is on the record, naming the run's key ids only.
  expect(rows).toContainEqual(
    expect.objectContaining({
      event: "keys.revoked",
      actor: "router",
      detail: expect.objectContaining({ principal: "agent:steer-agent" }),
    }),
  );
}

describe("a run's keys die when it returns", () => {
  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "send a reply from waitUntil after the run returned completed",
      evidence: "key_revoked, refused audit row, keys.revoked row, no reply",
    },
    async () => {
      await drive(t, "steer-agent", {
        attack: "late",
        op: "reply.send",
        args: { text: "A late word from a finished run." },
        idempotencyKey: idem(),
      });
      await drive(t, "steer-agent", { attack: "result", result: { status: "completed", summary: "done" } });
      const task = await t.createTask({ agent: "steer-agent", subject: { customerId: "cus_1001" }, message: "Hello" });
      const { late } = await drive(t, "steer-agent", { attack: "release" });
      await expectRevokedAndAudited(task.taskId, late, "reply.send");
      expect(JSON.stringify(await (await t.vault(task.taskId)).transcript())).not.toContain("late word");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "refund from waitUntil while the escalated task waits for a person",
      evidence: "key_revoked, refused audit row, no refund row",
    },
    async () => {
      await drive(t, "steer-agent", {
        attack: "late",
        op: "refund.issue",
        args: { orderId: "ord_5002", amount: 100, currency: "USD", reason: "late" },
        idempotencyKey: idem(),
      });
      await drive(t, "steer-agent", {
        attack: "result",
        result: { status: "escalate", target: "human:support", reason: "needs a person", summary: "s" },
      });
      const task = await t.createTask({ agent: "steer-agent", subject: { customerId: "cus_1001" }, message: "Hello" });
      expect(task).toMatchObject({ status: "queued_human" });
      const { late } = await drive(t, "steer-agent", { attack: "release" });
      await expectRevokedAndAudited(task.taskId, late, "refund.issue");
      expect(await refundsOf(t, task.taskId)).toEqual([]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "keep acting with the keys of a run that threw",
      evidence: "key_revoked, refused audit row",
    },
    async () => {
      await drive(t, "steer-agent", { attack: "result", result: "throw" });
      const task = await t.createTask({ agent: "steer-agent", subject: { customerId: "cus_1001" }, message: "Hello" });
      // The durable run tries a thrown hop once more (src/router/run/); the retry completes.
      expect(task).toMatchObject({ outcome: "completed" });
      const audit = await t.audit(task.taskId);
      expect(audit.filter((e) => e.event === "keys.revoked").length).toBeGreaterThanOrEqual(2);
      const res = await drive(t, "steer-agent", {
        attack: "replay",
        op: "customer.read",
        args: { customerId: "cus_1001" },
      });
      await expectRevokedAndAudited(task.taskId, res, "customer.read");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "keep acting with the keys of a run that returned failed",
      evidence: "key_revoked, refused audit row",
    },
    async () => {
      await drive(t, "steer-agent", { attack: "result", result: { status: "failed", reason: "gave up" } });
      const task = await t.createTask({ agent: "steer-agent", subject: { customerId: "cus_1001" }, message: "Hello" });
      const res = await drive(t, "steer-agent", {
        attack: "replay",
        op: "orders.list",
        args: { customerId: "cus_1001" },
      });
      await expectRevokedAndAudited(task.taskId, res, "orders.list");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "use an earlier run's keys during a later run of the same task",
      evidence: "key_revoked, refused audit row",
    },
    async () => {
      await drive(t, "steer-agent", { attack: "result", result: { status: "completed", summary: "first turn" } });
      const task = await t.createTask({ agent: "steer-agent", subject: { customerId: "cus_1001" }, message: "Hello" });
      const runs = (await drive(t, "steer-agent", { attack: "invocations" })).length;
      await drive(t, "steer-agent", {
        attack: "during-next-run",
        duringNextRun: {
          run: runs - 1,
          op: "reply.send",
          args: { text: "from the first run" },
          idempotencyKey: idem(),
        },
      });
      await drive(t, "steer-agent", { attack: "result", result: { status: "completed", summary: "second turn" } });
      expect(
        (await t.api(`/v1/tasks/${task.taskId}/messages`, { body: { message: "And another thing" } })).status,
      ).toBe(200);
      const { duringNextRun } = await drive(t, "steer-agent", { attack: "release" });
      await expectRevokedAndAudited(task.taskId, duringNextRun, "reply.send");
    },
  );
});
