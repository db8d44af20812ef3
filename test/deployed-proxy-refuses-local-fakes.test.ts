import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

/**
 * The offline model and the local outbox are local development's defaults
 * only. A proxy deployed without a model provider or a mail provider refuses
 * with a code saying so, and writes nothing that claims otherwise.
 */
const t = useSystem({ asDeployed: true });

async function count(table: string, taskId: string): Promise<number> {
  const row = await (await t.sys.db())
    .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE task_id = ?`)
    .bind(taskId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

describe("a deployed proxy with no providers configured", () => {
  it("refuses llm.chat with llm_not_configured (audited), and the task goes to a person", async () => {
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1002" },
      message: "Please refund ord_5003.",
    });
    expect(task.status).toBe("queued_human");
    const refused = (await t.audit(task.taskId)).filter((e) => e.op === "llm.chat");
    expect(refused).toEqual([
      expect.objectContaining({ event: "proxy.call", decision: "refused", reason: "llm_not_configured" }),
    ]);
    expect(await count("refunds", task.taskId)).toBe(0);
  });

  it("refuses email.send with mail_not_configured (audited), with no outbox row", async () => {
    const task = await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1004", caseId: "cas_2003" },
      message: "hello",
    });
    const res = await t.puppet({
      attack: "replay",
      op: "email.send",
      args: { template: "puppet-notice", to: "[EMAIL_1]", variables: { name: "[NAME_1]", note: "x" } },
      idempotencyKey: "deployed-mail-1",
    });
    expect(res).toMatchObject({ ok: false, error: "mail_not_configured" });
    expect((await t.audit(task.taskId)).at(-1)).toMatchObject({
      event: "proxy.call",
      op: "email.send",
      decision: "refused",
      reason: "mail_not_configured",
    });
    expect(await count("outbox", task.taskId)).toBe(0);
  });
});
