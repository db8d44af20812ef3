/**
 * Small helpers for hostile tests that drive the puppet agent call by call
 * inside a real task, and read what left (outbox, replies) and what was audited.
 */
import { expect } from "vitest";
import type { AuditEntry, Harness } from "./system.ts";

let n = 0;
const idem = (what: string) => `${what}-${++n}-${Date.now()}`;

export function cell(t: Harness) {
  const call = (op: string, args: Record<string, unknown> = {}, action = false) =>
    t.puppet({ attack: "replay", op, args, ...(action ? { idempotencyKey: idem(op.replace(".", "-")) } : {}) });
  return {
    call,
    /** A fresh task held by the puppet agent; its run stashes the router's keys. */
    async task(customerId: string, message = "hello", caseId?: string): Promise<string> {
      return (
        await t.createTask({ agent: "puppet-agent", subject: { customerId, ...(caseId ? { caseId } : {}) }, message })
      ).taskId as string;
    },
    reply: (text: string) => call("reply.send", { text }, true),
    email: (template: string, to: string, variables: Record<string, string>) =>
      call("email.send", { template, to, variables }, true),
    refund: (orderId: string, amount: number, reason = "customer request") =>
      call("refund.issue", { orderId, amount, currency: "USD", reason }, true),
    async outbox(taskId: string): Promise<Array<Record<string, string>>> {
      const { results } = await (await t.sys.db())
        .prepare("SELECT to_address, subject, body FROM outbox WHERE task_id = ?")
        .bind(taskId)
        .all<Record<string, string>>();
      return results;
    },
    /** The replies as the customer's channel gets them (hydrated by the proxy). */
    async customerReplies(taskId: string): Promise<string[]> {
      const res = await t.api(`/v1/tasks/${taskId}`);
      return res.body.replies as string[];
    },
    async expectRefused(taskId: string, op: string, reason: string): Promise<AuditEntry> {
      const row = (await t.audit(taskId)).filter((e) => e.op === op).at(-1);
      expect(row).toMatchObject({ event: "proxy.call", op, decision: "refused", reason, actor: "agent:puppet-agent" });
      return row!;
    },
  };
}
