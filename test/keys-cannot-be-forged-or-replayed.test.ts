import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/keys/generate.ts";
import { attack } from "./support/redteam.ts";
import { type AuditEntry, useSystem } from "./support/system.ts";

const t = useSystem();

/** Start a real task held by the hostile agent; its run stashes the router's keys. */
async function hostileTask(customerId = "cus_1002") {
  return t.createTask({ agent: "hostile-agent", subject: { customerId }, message: "hello" });
}

async function lastRefusal(taskId: string | null): Promise<AuditEntry | undefined> {
  return (await t.audit(taskId ?? undefined)).filter((e) => e.decision === "refused").at(-1);
}

async function expectRefused(taskId: string, res: any, code: string) {
  expect(res).toMatchObject({ ok: false, error: code });
  expect(await lastRefusal(taskId)).toMatchObject({ event: "proxy.call", decision: "refused", reason: code, taskId });
}

describe("keys cannot be forged, replayed after completion, or used by another agent or task", () => {
  it("the router's own keys work for the agent they were minted for", async () => {
    const task = await hostileTask();
    expect(task.summary).toContain("whoami ok=true");
    const res = await t.hostile({ attack: "replay", op: "whoami" });
    expect(res).toMatchObject({ ok: true, result: { principal: "agent:hostile-agent", taskId: task.taskId } });
  });

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "call the proxy without keys",
      evidence: "key_missing and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      const res = await t.hostile({ attack: "call", op: "whoami" });
      expect(res).toMatchObject({ ok: false, error: "key_missing" });
      expect((await t.audit()).filter((e) => e.taskId === null).at(-1)).toMatchObject({
        decision: "refused",
        reason: "key_missing",
        actor: "agent:hostile-agent",
      });
      expect(task.taskId).toBeTruthy();
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "forge keys with another key pair under the router's kid",
      evidence: "key_forged and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      const realKid = JSON.parse(t.secrets.SILOOS_SIGNING_KEYS)[0].kid as string;
      const forged = JSON.stringify([await generateSigningKey(realKid)]);
      const keys = await t.mintPair({
        principal: "agent:hostile-agent",
        taskId: task.taskId,
        customer: "cus_1002",
        signingKeys: forged,
      });
      const res = await t.hostile({ attack: "call", op: "whoami", ...keys });
      expect(res).toMatchObject({ ok: false, error: "key_forged" });
      // Audited, but never under the task id the unverified key claims (test/agent-text-in-the-audit-log.test.ts).
      expect((await t.audit()).filter((e) => e.taskId === null).at(-1)).toMatchObject({
        event: "proxy.call",
        decision: "refused",
        reason: "key_forged",
        taskId: null,
      });
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "present an expired key",
      evidence: "key_expired and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      const keys = await t.mintPair({
        principal: "agent:hostile-agent",
        taskId: task.taskId,
        customer: "cus_1002",
        now: new Date(Date.now() - 600_000),
      });
      await expectRefused(task.taskId, await t.hostile({ attack: "call", op: "whoami", ...keys }), "key_expired");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "use another agent's keys through my own binding",
      evidence: "key_wrong_agent and a refused audit row",
    },
    async () => {
      const victim = await t.createTask({
        agent: "refund-agent",
        subject: { customerId: "cus_1003" },
        message: "Where is my keyboard?",
      });
      const keys = await t.mintPair({
        principal: "agent:refund-agent",
        taskId: victim.taskId,
        customer: "cus_1003",
        caps: [{ capability: "customer.read" }],
      });
      await expectRefused(
        victim.taskId,
        await t.hostile({ attack: "call", op: "customer.read", args: { customerId: "cus_1003" }, ...keys }),
        "key_wrong_agent",
      );
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "pair a base key of one task with a task key of another",
      evidence: "key_wrong_task and a refused audit row",
    },
    async () => {
      const a = await hostileTask("cus_1002");
      const b = await hostileTask("cus_1004");
      const ka = await t.mintPair({ principal: "agent:hostile-agent", taskId: a.taskId, customer: "cus_1002" });
      const kb = await t.mintPair({ principal: "agent:hostile-agent", taskId: b.taskId, customer: "cus_1004" });
      await expectRefused(
        a.taskId,
        await t.hostile({ attack: "call", op: "whoami", baseKey: ka.baseKey, taskKey: kb.taskKey }),
        "key_wrong_task",
      );
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "use well-signed keys the router never admitted for the task",
      evidence: "key_revoked and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      const keys = await t.mintPair({ principal: "agent:hostile-agent", taskId: task.taskId, customer: "cus_1002" });
      await expectRefused(task.taskId, await t.hostile({ attack: "call", op: "whoami", ...keys }), "key_revoked");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "replay the task's real keys after the task completed",
      evidence: "task_closed and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      expect((await t.hostile({ attack: "replay", op: "whoami" })).ok).toBe(true);
      expect((await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" })).status).toBe(200);
      await expectRefused(task.taskId, await t.hostile({ attack: "replay", op: "whoami" }), "task_closed");
    },
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "present a task key as the base key and the other way round",
      evidence: "key_invalid and a refused audit row",
    },
    async () => {
      const task = await hostileTask();
      const keys = await t.mintPair({ principal: "agent:hostile-agent", taskId: task.taskId, customer: "cus_1002" });
      await expectRefused(
        task.taskId,
        await t.hostile({ attack: "call", op: "whoami", baseKey: keys.taskKey, taskKey: keys.baseKey }),
        "key_invalid",
      );
    },
  );

  attack(
    {
      surface: "cell",
      class: "scope",
      tries: "refund without a grant, then read another customer with my own keys",
      evidence: "capability_denied, scope_denied, refused audit rows",
    },
    async () => {
      const task = await hostileTask("cus_1002");
      const refund = await t.hostile({
        attack: "replay",
        op: "refund.issue",
        args: { orderId: "ord_5003", amount: 1, currency: "USD", reason: "x" },
        idempotencyKey: "hostile-1234",
      });
      await expectRefused(task.taskId, refund, "capability_denied");
      const other = await t.hostile({ attack: "replay", op: "customer.read", args: { customerId: "cus_1001" } });
      await expectRefused(task.taskId, other, "scope_denied");
      expect(JSON.stringify(other)).not.toContain("Maria");
    },
  );
});
