/**
 * Bare proxy: answers the refund agent's calls with the same business work
 * as the SiloOS proxy (D1: customer, orders, order + refunded sum, refund
 * insert, outbox insert; the offline model for llm.chat; one Durable Object
 * per task) and nothing else: no keys, no capability or scope checks, no
 * argument schemas, no tokenization or real-value refusal, no audit rows.
 * The bare router passes the task id where SiloOS passes the two keys.
 *
 * With FLOOR=1 it is the floor chain: bare plus the least issue 15's design
 * asks of every call, and nothing else: one Durable Object RPC a call that
 * writes the call's audit row durably before the call answers (riding on the
 * RPC bare makes anyway where it makes one), and the rows shipped to D1's
 * audit_log in one batch at the run's end. No keys, no scanning, no checks.
 * What the floor costs over bare is a lower bound on what SiloOS can cost.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { eq, sum } from "drizzle-orm";
import type { ChatRequest } from "../../../src/contracts/llm.ts";
import { database } from "../../../src/db/index.ts";
import { customers, orders, outbox, refunds } from "../../../src/db/schema.ts";
import { offlineModel } from "../../../src/llm/offline.ts";
import { renderTemplate } from "../../../src/proxy/ops/templates.ts";
import { findAgent, findTemplate, registry } from "../../../src/registry/index.ts";
import type { BareState, FloorRow } from "./state.ts";

export { BareState } from "./state.ts";

interface Env {
  DB: D1Database;
  STATE: DurableObjectNamespace<BareState>;
  /** "1": the floor chain (above). */
  FLOOR?: string;
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
    const state = this.#state(taskId);
    let transcript: Awaited<ReturnType<BareState["transcript"]>>;
    if (this.env.FLOOR === "1") {
      const end = await state.finish();
      transcript = end.transcript;
      if (end.rows.length > 0) {
        const insert = this.env.DB.prepare(
          "INSERT INTO audit_log (at, task_id, actor, event, op, decision, reason, detail, vault_seq) VALUES (?, ?, ?, 'proxy.call', ?, 'allowed', NULL, ?, ?)",
        );
        await this.env.DB.batch(end.rows.map((r, i) => insert.bind(r.at, taskId, r.actor, r.op, r.detail, i + 1)));
      }
    } else {
      transcript = await state.transcript();
    }
    return transcript.filter((e) => e.role === "agent").map((e) => e.text);
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
      const args = req.args ?? {};
      const row: FloorRow | undefined =
        this.env.FLOOR === "1"
          ? { at: Date.now(), actor: `agent:${AGENT}`, op: req.op, detail: JSON.stringify(Object.keys(args)) }
          : undefined;
      return { ok: true, result: await this.#run(taskId, req.op, args, row) };
    } catch (err) {
      return { ok: false, error: "internal", message: err instanceof Error ? err.message : String(err) };
    }
  }

  /** `row`: the floor chain's audit row, written by this call's one state RPC. */
  async #run(taskId: string, op: string, args: Args, row: FloorRow | undefined): Promise<unknown> {
    const db = database(this.env.DB);
    const state = this.#state(taskId);
    switch (op) {
      case "whoami": {
        const meta = await state.meta(row);
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
        return (await state.transcript(row)).map(({ role, by, text }) => ({ role, by, text }));
      case "llm.chat": {
        const res = await model.chat(args as ChatRequest);
        await state.addLlmUsage(res.usage.promptTokens + res.usage.completionTokens, row);
        return res;
      }
      case "customer.read": {
        const found = await db
          .select()
          .from(customers)
          .where(eq(customers.id, String(args.customerId)))
          .get();
        if (!found) throw new Error("no such customer");
        const { createdAt: _c, ...customer } = found;
        await state.remember("customer", customer, row);
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
        await state.remember("orders", list, row);
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
        await state.addSpend(cents, row);
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
        if (row) await state.audit(row);
        return { messageId: id, delivery: "queued", replayed: false };
      }
      case "reply.send":
        await state.append({ role: "agent", by: `agent:${AGENT}`, text: String(args.text) }, row);
        return { delivered: true };
      default:
        throw new Error(`the bare proxy has no op ${op}`);
    }
  }
}
