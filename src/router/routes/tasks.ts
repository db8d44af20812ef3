import { Hono } from "hono";
import { batchWithAudit } from "../../audit/index.ts";
import { AddMessageSchema, CreateTaskSchema } from "../../contracts/api.ts";
import { database } from "../../db/index.ts";
import { tasks } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { agentForIntent, findAgent, registry, type AgentEntry } from "../../registry/index.ts";
import { runTask, unwrap } from "../dispatch.ts";
import { routerConfig, type RouterEnv } from "../env.ts";
import { jsonBody } from "../errors.ts";
import { getTask, newTaskId, taskView, updateTask, type TaskRow } from "../tasks.ts";
import { parseOr400 } from "../validate.ts";

export const taskRoutes = new Hono<{ Bindings: RouterEnv }>();

taskRoutes.post("/", async (c) => {
  const body = parseOr400(CreateTaskSchema, await jsonBody(c));
  const agent = body.agent ? findAgent(registry, body.agent) : agentForIntent(registry, body.intent ?? "");
  if (!agent) throw new SiloError("unknown_agent", body.agent ? `no agent named ${body.agent}` : `no agent handles intent ${body.intent}`);
  const cfg = routerConfig(c.env);
  const db = database(c.env.DB);
  unwrap(await c.env.PROXY.checkSubject(body.subject.customerId, body.subject.caseId ?? null));

  const now = Date.now();
  const task: TaskRow = {
    id: newTaskId(),
    assignee: `agent:${agent.name}`,
    intent: body.intent ?? agent.intents[0] ?? null,
    customerId: body.subject.customerId,
    caseId: body.subject.caseId ?? null,
    status: "open",
    outcome: null,
    summary: null,
    channel: body.channel,
    createdAt: now,
    updatedAt: now,
    expiresAt: now + cfg.SILOOS_TASK_TTL_SECONDS * 1000,
  };
  await batchWithAudit(db, [db.insert(tasks).values(task)], [
    { taskId: task.id, actor: "router", event: "task.created", detail: { agent: agent.name, intent: task.intent, channel: task.channel, subject: body.subject } },
  ]);
  let report;
  try {
    report = await runTask(c.env, db, cfg, task, agent, { rawMessage: body.message }, { channel: body.channel });
  } catch (err) {
    await recordFailure(c.env, task.id, err);
    throw err;
  }
  return c.json(await respond(c.env, task.id, 0, report.hops), 201);
});

taskRoutes.get("/:id", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  return c.json(await respond(c.env, row.id, 0));
});

taskRoutes.post("/:id/messages", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  const body = parseOr400(AddMessageSchema, await jsonBody(c));
  if (row.status !== "open") throw new SiloError("task_closed", `the task is ${row.status}`);
  const agent = row.assignee.startsWith("agent:") ? findAgent(registry, row.assignee.slice(6)) : undefined;
  if (!agent) throw new SiloError("conflict", "the task is not held by an agent");
  const before = unwrap(await c.env.PROXY.replies(row.id, 0)).next;
  unwrap(await c.env.PROXY.addMessage(row.id, body.message));
  const report = await runTask(c.env, database(c.env.DB), routerConfig(c.env), row, agent, null, { channel: row.channel });
  return c.json(await respond(c.env, row.id, before, report.hops));
});

taskRoutes.post("/:id/complete", async (c) => {
  const row = await requireTask(c.env, c.req.param("id"));
  if (row.status === "completed") throw new SiloError("task_closed", "the task is already completed");
  // Vault first: if it cannot be wiped, the task is not reported complete.
  unwrap(await c.env.PROXY.closeTask(row.id, "task completed"));
  const db = database(c.env.DB);
  await batchWithAudit(db, [updateTask(db, row.id, { status: "completed" })], [
    { taskId: row.id, actor: "router", event: "task.completed", detail: { previousStatus: row.status } },
  ]);
  return c.json(taskView((await getTask(db, row.id)) ?? row));
});

/** A task that could not run is closed and says why, never left half-open. */
async function recordFailure(env: RouterEnv, taskId: string, err: unknown): Promise<void> {
  const reason = err instanceof SiloError ? err.code : "internal";
  await env.PROXY.closeTask(taskId, `task failed: ${reason}`).catch(() => undefined);
  const db = database(env.DB);
  await batchWithAudit(db, [updateTask(db, taskId, { status: "failed", outcome: "failed" })], [
    { taskId, actor: "router", event: "task.failed", reason },
  ]).catch(() => undefined);
}

async function requireTask(env: RouterEnv, id: string): Promise<TaskRow> {
  if (!/^tsk_[A-Za-z0-9]{8,40}$/.test(id)) throw new SiloError("unknown_task", "no such task");
  const row = await getTask(database(env.DB), id);
  if (!row) throw new SiloError("unknown_task", "no such task");
  return row;
}

async function respond(env: RouterEnv, taskId: string, since: number, hops?: string[]) {
  const row = await getTask(database(env.DB), taskId);
  if (!row) throw new SiloError("unknown_task", "no such task");
  const replies = row.status === "completed" ? [] : unwrapReplies(await env.PROXY.replies(taskId, since));
  return { ...taskView(row), reply: replies.at(-1) ?? null, replies, ...(hops ? { hops } : {}) };
}

function unwrapReplies(res: Awaited<ReturnType<Service<import("../../proxy/index.ts").KernelGate>["replies"]>>): string[] {
  return res.ok ? res.result.replies : [];
}

export type { AgentEntry };
