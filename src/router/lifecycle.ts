import { batchWithAudit } from "../audit/index.ts";
import type { CreateTask } from "../contracts/api.ts";
import { database } from "../db/index.ts";
import { tasks } from "../db/schema.ts";
import { SiloError } from "../errors/index.ts";
import { agentForIntent, findAgent, registry } from "../registry/index.ts";
import { unwrap } from "./dispatch.ts";
import { routerConfig, type RouterEnv } from "./env.ts";
import { expireIfDue } from "./expiry.ts";
import { runOf } from "./run/index.ts";
import type { RunStart } from "./run/state.ts";
import { getTask, newTaskId, taskView, updateTask, type TaskRow } from "./tasks.ts";

/**
 * The task lifecycle, shared by every channel (API, webhooks, widget,
 * console): create and run, add a turn, complete. Channels authenticate and
 * validate; this module is the kernel's one way to start and end work.
 */
export type StartTask = Omit<CreateTask, "channel"> & { channel: string; taskId?: string };

/** sync: answer when the run ends (or parks for a retry); async: answer at once, the run goes on durably. */
export type RunMode = "sync" | "async";

export async function startTask(env: RouterEnv, input: StartTask, mode: RunMode = "sync") {
  const agent = input.agent ? findAgent(registry, input.agent) : agentForIntent(registry, input.intent ?? "");
  if (!agent) throw new SiloError("unknown_agent", input.agent ? `no agent named ${input.agent}` : `no agent handles intent ${input.intent}`);
  const cfg = routerConfig(env);
  const db = database(env.DB);
  unwrap(await env.PROXY.checkSubject(input.subject.customerId, input.subject.caseId ?? null));
  const now = Date.now();
  const task: TaskRow = {
    id: input.taskId ?? newTaskId(),
    assignee: `agent:${agent.name}`,
    intent: input.intent ?? agent.intents[0] ?? null,
    customerId: input.subject.customerId,
    caseId: input.subject.caseId ?? null,
    status: "open",
    outcome: null,
    summary: null,
    channel: input.channel,
    createdAt: now,
    updatedAt: now,
    expiresAt: now + cfg.SILOOS_TASK_TTL_SECONDS * 1000,
  };
  await batchWithAudit(db, [db.insert(tasks).values(task)], [
    { taskId: task.id, actor: "router", event: "task.created", detail: { agent: agent.name, intent: task.intent, channel: task.channel, subject: input.subject } },
  ]);
  try {
    // The vault takes the raw message before the run begins: the durable run's
    // state never holds it. Its first hop hands the vault to the agent with keys.
    const scope = { customer: task.customerId, ...(task.caseId ? { case: task.caseId } : {}) };
    unwrap(await env.PROXY.openTask({ taskId: task.id, principal: task.assignee, jtis: [], scope, message: input.message, expiresAt: task.expiresAt }));
  } catch (err) {
    await recordFailure(env, task.id, err);
    throw err;
  }
  return launch(env, task.id, { taskId: task.id, agent: agent.name, context: { channel: input.channel } }, mode, 0);
}

/**
 * Hand the run to its Durable Object. In sync mode wait for it: a report
 * means it ended; null means a step parked for a retry and the answer is
 * the task as it stands (202: poll it or follow its events).
 */
async function launch(env: RouterEnv, taskId: string, start: RunStart, mode: RunMode, since: number) {
  const run = runOf(env, taskId);
  if (mode === "async") {
    await run.begin(start);
    return { ...(await taskResponse(env, taskId, since)), accepted: true as const };
  }
  const report = await run.run(start);
  return { ...(await taskResponse(env, taskId, since, report?.hops)), ...(report ? {} : { accepted: true as const }) };
}

/** The next customer turn of an open task held by an agent. */
export async function continueTask(env: RouterEnv, row: TaskRow, message: string, mode: RunMode = "sync") {
  if (await expireIfDue(env, row)) throw new SiloError("task_closed", "the task is expired");
  if (row.status !== "open") throw new SiloError("task_closed", `the task is ${row.status}`);
  const agent = row.assignee.startsWith("agent:") ? findAgent(registry, row.assignee.slice(6)) : undefined;
  if (!agent) throw new SiloError("conflict", "the task is not held by an agent");
  const before = unwrap(await env.PROXY.replies(row.id, 0)).next;
  unwrap(await env.PROXY.addMessage(row.id, message));
  const start = { taskId: row.id, agent: agent.name, context: { channel: row.channel } };
  // A run still going reads this turn when it ends: the message is in the vault already.
  if ((await runOf(env, row.id).nudge(start)) === "pending") return { ...(await taskResponse(env, row.id, before)), accepted: true as const };
  if (mode === "async") return { ...(await taskResponse(env, row.id, before)), accepted: true as const };
  const report = await runOf(env, row.id).wait(RUN_WAIT_MS);
  return { ...(await taskResponse(env, row.id, before, report?.hops)), ...(report ? {} : { accepted: true as const }) };
}

/** How long a synchronous turn waits for its run before answering 202. */
const RUN_WAIT_MS = 600_000;

/** End a task: the vault goes first, so a task is never reported done while its data lives. */
export async function completeTask(env: RouterEnv, row: TaskRow, actor = "router") {
  if (row.status === "completed") throw new SiloError("task_closed", "the task is already completed");
  if (await expireIfDue(env, row)) throw new SiloError("task_closed", "the task is expired");
  if (unwrap(await env.PROXY.pendingCount(row.id)).pending > 0) {
    const waiting = await awaitApproval(env, row, actor);
    // A decision that landed while this ran found no awaiting task to finish: look again.
    if (unwrap(await env.PROXY.pendingCount(row.id)).pending > 0) return waiting;
  }
  unwrap(await env.PROXY.closeTask(row.id, "task completed"));
  const db = database(env.DB);
  await batchWithAudit(db, [updateTask(db, row.id, { status: "completed" })], [
    { taskId: row.id, actor, event: "task.completed", detail: { previousStatus: row.status } },
  ]);
  return taskView((await getTask(db, row.id)) ?? row);
}

/**
 * An action of this task waits for a person: the task does not complete (its
 * vault holds the tokens the decision and the customer's message need) but
 * waits as `awaiting_approval`, every key of it revoked; the last decision
 * completes it (console/approvals.ts), the task's expiry ends it either way.
 */
async function awaitApproval(env: RouterEnv, row: TaskRow, actor: string) {
  unwrap(await env.PROXY.handoff(row.id, "router", []));
  const db = database(env.DB);
  if (row.outcome !== "awaiting_approval") {
    await batchWithAudit(db, [updateTask(db, row.id, { outcome: "awaiting_approval" })], [
      { taskId: row.id, actor, event: "task.awaiting_approval", detail: { previousStatus: row.status } },
    ]);
  }
  return taskView((await getTask(db, row.id)) ?? row);
}

export async function requireTask(env: RouterEnv, id: string): Promise<TaskRow> {
  if (!/^tsk_[A-Za-z0-9]{8,40}$/.test(id)) throw new SiloError("unknown_task", "no such task");
  const row = await getTask(database(env.DB), id);
  if (!row) throw new SiloError("unknown_task", "no such task");
  // A TTL that passed shows as expired at once, not at the next sweep.
  if (await expireIfDue(env, row).catch(() => false)) return (await getTask(database(env.DB), id)) ?? row;
  return row;
}

/** The task's public view plus the agent replies since `since`, hydrated for the customer. */
export async function taskResponse(env: RouterEnv, taskId: string, since: number, hops?: string[]) {
  const row = await getTask(database(env.DB), taskId);
  if (!row) throw new SiloError("unknown_task", "no such task");
  const res = row.status === "completed" || row.status === "expired" ? null : await env.PROXY.replies(taskId, since);
  const replies = res?.ok ? res.result.replies : [];
  return { ...taskView(row), reply: replies.at(-1) ?? null, replies, ...(hops ? { hops } : {}) };
}

/** A task that could not run is closed and says why, never left half-open. */
async function recordFailure(env: RouterEnv, taskId: string, err: unknown): Promise<void> {
  const reason = err instanceof SiloError ? err.code : "internal";
  await env.PROXY.closeTask(taskId, `task failed: ${reason}`).catch(() => undefined);
  const db = database(env.DB);
  await batchWithAudit(db, [updateTask(db, taskId, { status: "failed", outcome: "failed" })], [{ taskId, actor: "router", event: "task.failed", reason }]).catch(
    () => undefined,
  );
}
