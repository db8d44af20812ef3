/**
 * Bare proxy: answers the refund agent's calls with the same business work
 * as the SiloOS proxy (D1: customer, orders, order + refunded sum, refund
 * insert, outbox insert; the offline model for llm.chat; one Durable Object
 * per task) and nothing else: no keys, no capability or scope checks, no
 * argument schemas, no tokenization or real-value refusal, no audit rows.
 * The bare router passes the task id where SiloOS passes the two keys.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { eq, sum } from "drizzle-orm";
import type { ChatRequest } from "../../../src/contracts/llm.ts";
import { database } from "../../../src/db/index.ts";
import { customers, orders, outbox, refunds } from "../../../src/db/schema.ts";
import { offlineModel } from "../../../src/proxy/llm/offline.ts";
import { renderTemplate } from "../../../src/proxy/ops/templates.ts";
import { findAgent, findTemplate, registry } from "../../../src/registry/index.ts";
import type { BareState } from "./state.ts";

export { BareState } from "./state.ts";

interface Env {
  DB: D1Database;
  STATE: DurableObjectNamespace<BareState>;
}

type Args = Record<string, any>;
const AGENT = "refund-agent";
const model = offlineModel();
// Ops seen per task, in memory only (no I/O), so the bench can check the
// bare chain made the same calls as SiloOS. Bounded to the last 64 tasks.
const seen = new Map<string, string[]>();

export default class BareProxy extends WorkerEntrypoint<Env> {
  #state(taskId: string): DurableObjectStub<BareState> {
    return this.env.STATE.get(this.env.STATE.idFromName(taskId));
  }

  async open(taskId: string, customerId: string, message: string): Promise<void> {
    await this.#state(taskId).open({ taskId, customerId }, message);
  }

  async replies(taskId: string): Promise<string[]> {
    return (await this.#state(taskId).transcript()).filter((e) => e.role === "agent").map((e) => e.text);
  }

  /** GET /ops?task=…: the op sequence of a recent task (bench check only). */
  override async fetch(req: Request): Promise<Response> {
    return Response.json(seen.get(new URL(req.url).searchParams.get("task") ?? "") ?? null);
  }

  async call(req: {
    baseKey?: unknown;
    op: string;
    args?: Args;
  }): Promise<{ ok: true; result: unknown } | { ok: false; error: string; message: string }> {
    const taskId = String(req.baseKey);
    if (!seen.has(taskId) && seen.size >= 64) seen.delete(seen.keys().next().value ?? "");
    seen.set(taskId, [...(seen.get(taskId) ?? []), req.op]);
    try {
      return { ok: true, result: await this.#run(taskId, req.op, req.args ?? {}) };
    } catch (err) {
      return { ok: false, error: "internal", message: err instanceof Error ? err.message : String(err) };
    }
  }

  async #run(taskId: string, op: string, args: Args): Promise<unknown> {
    const db = database(this.env.DB);
    const state = this.#state(taskId);
    switch (op) {
      case "whoami": {
        const meta = await state.meta();
        const caps = findAgent(registry, AGENT)?.caps ?? [];
        const granted = caps.flatMap((c) => (c.capability === "email.send" ? c.templates : []));
        const templates = registry.templates
          .filter((t) => granted.includes(t.name))
          .map((t) => ({ name: t.name, variables: t.variables }));
        return {
          principal: `agent:${AGENT}`,
          taskId,
          scope: { customer: meta?.customerId },
          capabilities: caps,
          templates,
        };
      }
      case "transcript.read":
        return (await state.transcript()).map(({ role, by, text }) => ({ role, by, text }));
      case "llm.chat": {
        const res = await model.chat(args as ChatRequest);
        await state.addLlmUsage(res.usage.promptTokens + res.usage.completionTokens);
        return res;
      }
      case "customer.read": {
        const row = await db
          .select()
          .from(customers)
          .where(eq(customers.id, String(args.customerId)))
          .get();
        if (!row) throw new Error("no such customer");
        const { createdAt: _c, ...customer } = row;
        await state.remember("customer", customer);
        return customer;
      }
      case "orders.list": {
        const rows = await db
          .select()
          .from(orders)
          .where(eq(orders.customerId, String(args.customerId)))
          .orderBy(orders.placedAt);
        const list = rows.map((o) => ({
          id: o.id,
          customerId: o.customerId,
          item: o.item,
          total: o.totalCents / 100,
          currency: o.currency,
          status: o.status,
          placedAt: new Date(o.placedAt).toISOString(),
        }));
        await state.remember("orders", list);
        return list;
      }
      case "refund.issue": {
        const order = await db
          .select()
          .from(orders)
          .where(eq(orders.id, String(args.orderId)))
          .get();
        if (!order) throw new Error("no such order");
        const done = await db
          .select({ total: sum(refunds.amountCents) })
          .from(refunds)
          .where(eq(refunds.orderId, order.id))
          .get();
        const cents = Math.round(Number(args.amount) * 100);
        if (cents > order.totalCents - Number(done?.total ?? 0)) throw new Error("refund exceeds the order");
        await state.addSpend(cents);
        const id = `ref_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
        await db.insert(refunds).values({
          id,
          taskId,
          orderId: order.id,
          customerId: order.customerId,
          amountCents: cents,
          currency: order.currency,
          idempotencyKey: `${taskId}.refund`,
          actor: `agent:${AGENT}`,
          createdAt: Date.now(),
        });
        return { refundId: id, orderId: order.id, amount: cents / 100, currency: order.currency, replayed: false };
      }
      case "email.send": {
        const template = findTemplate(registry, String(args.template));
        if (!template) throw new Error("no such template");
        const rendered = renderTemplate(template, args.variables ?? {});
        const id = `msg_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
        await db.insert(outbox).values({
          id,
          taskId,
          toAddress: String(args.to),
          ...rendered,
          template: template.name,
          idempotencyKey: `${taskId}.email`,
          status: "queued",
          createdAt: Date.now(),
        });
        return { messageId: id, delivery: "queued", replayed: false };
      }
      case "reply.send":
        await state.append({ role: "agent", by: `agent:${AGENT}`, text: String(args.text) });
        return { delivered: true };
      default:
        throw new Error(`the bare proxy has no op ${op}`);
    }
  }
}
