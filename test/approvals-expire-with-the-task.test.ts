import { describe, expect, it } from "vitest";
import { operator } from "./support/console.ts";
import { APPROVAL_PUPPET, HOSTILE, PUPPET, useSystem } from "./support/system.ts";

// Tasks here live 3 seconds, so the vault's alarm fires inside the test (docs/approvals.md).
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, APPROVAL_PUPPET], routerVars: { SILOOS_TASK_TTL_SECONDS: "3" } });

describe("an approval never outlives what it approves", () => {
  it("the task's lifetime ends: the vault is wiped, the held action expires with it, and a late approval runs nothing", async () => {
    const task = await t.createTask({
      agent: "approval-puppet",
      subject: { customerId: "cus_1004" },
      message: "Please refund my chair.",
    });
    const held = await t.drive("approval-puppet", {
      attack: "replay",
      taskId: task.taskId,
      op: "refund.issue",
      args: { orderId: "ord_5005", amount: 900, currency: "USD", reason: "chair broke" },
      idempotencyKey: "held-chair-900",
    });
    expect(held).toMatchObject({ ok: true, result: { status: "pending_approval" } });
    const id = held.result.actionId as string;
    const db = await t.sys.db();
    const status = async () =>
      (await db.prepare("SELECT status FROM pending_actions WHERE id = ?").bind(id).first<{ status: string }>())
        ?.status;

    // Wait for the alarm (a deadline, not a timed assertion: the outcome is what is checked).
    const deadline = Date.now() + 20_000;
    while ((await status()) === "pending" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await status()).toBe("expired");
    expect(await (await t.vault(task.taskId)).stats()).toMatchObject({ open: false, tokens: 0 });

    const carol = await operator(t, "carol");
    expect((await carol.call("/approvals")).body.actions).toEqual([]);
    expect((await carol.call("/approvals/decide", { ids: [id], decision: "approve" })).body.outcomes).toEqual([
      expect.objectContaining({ id, status: "refused", error: "approval_expired" }),
    ]);
    expect(
      (await db.prepare("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?").bind(task.taskId).first<{ n: number }>())
        ?.n,
    ).toBe(0);
    const events = (await t.audit(task.taskId)).map(
      (e) => `${e.actor} ${e.event} ${e.decision ?? "-"} ${e.reason ?? "-"}`,
    );
    expect(events.filter((e) => /vault\.expired|approval\./.test(e))).toEqual([
      "agent:approval-puppet approval.held - -",
      "proxy vault.expired - -",
      "proxy approval.expired - -",
      "human:op_carol approval.approved refused approval_expired",
    ]);
  });
});
