import { auditInsert, batchWithAudit } from "../../audit/index.ts";
import type { CreateTask } from "../../contracts/api.ts";
import { database } from "../../db/index.ts";
import { tasks } from "../../db/schema.ts";
import { SiloError } from "../../errors/index.ts";
import { agentForIntent, findAgent, registry } from "../../registry/index.ts";
import { type RouterEnv, routerConfig } from "../core/env.ts";
import { agentStatusRead, isOnline } from "../core/queue.ts";
import { newTaskId, type TaskRow, updateTask } from "../core/task-rows.ts";
import { unwrap } from "../dispatch/dispatch.ts";
import { runOf } from "../run/index.ts";
import type { FreshTask, RunStart } from "../run/state.ts";
import { taskResponse } from "./read.ts";

export type StartTask = Omit<CreateTask, "channel"> & { channel: string; taskId?: string };

/** sync: answer when the run ends (or parks for a retry); async: answer at once, the run goes on durably. */
export type RunMode = "sync" | "async";

/**
 * Start: the vault first (the proxy checks the subject as it opens it and
 * journals vault.created in the same RPC), then the task row and
 * `task.created` in one D1 batch, then the durable run. A start that cannot
 * be recorded (the batch fails) wipes the vault it opened and is refused.
 */
export async function startTask(env: RouterEnv, input: StartTask, mode: RunMode = "sync") {
  const agent = input.agent ? findAgent(registry, input.agent) : agentForIntent(registry, input.intent ?? "");
  if (!agent)
    throw new SiloError(
      "unknown_agent",
      input.agent ? `no agent named ${input.agent}` : `no agent handles intent ${input.intent}`,
    );
  const cfg = routerConfig(env);
  const db = database(env.DB);
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
  // The vault takes the raw message before the run begins: the durable run's
  // state never holds it. Its first hop hands the vault to the agent with keys.
  const scope = { customer: task.customerId, ...(task.caseId ? { case: task.caseId } : {}) };
  const opened = await env.PROXY.openTask({
    taskId: task.id,
    principal: task.assignee,
    jtis: [],
    scope,
    message: input.message,
    expiresAt: task.expiresAt,
  });
  // An unknown subject opens nothing; any other failure may have left a vault half-open: wipe it.
  if (!opened.ok && opened.error !== "unknown_record" && opened.error !== "validation_failed")
    await failTask(env, task.id, new SiloError(opened.error, opened.message));
  unwrap(opened);
  const created = {
    taskId: task.id,
    actor: "router",
    event: "task.created" as const,
    detail: { agent: agent.name, intent: task.intent, channel: task.channel, subject: input.subject },
  };
  let online: boolean;
  try {
    // The audit row first, the task row, and (a read in the same round trip) whether the agent
    // is online, which the run's first hop asks next.
    const [, , status] = await db.batch([
      auditInsert(db, [created]),
      db.insert(tasks).values(task),
      agentStatusRead(db, agent.name),
    ]);
    online = isOnline(status);
  } catch {
    const refused = new SiloError("audit_unavailable", "the audit log or database is unavailable; nothing was done");
    await failTask(env, task.id, refused);
    throw refused;
  }
  return launch(env, task.id, { taskId: task.id, agent: agent.name, context: { channel: input.channel } }, mode, 0, {
    row: task,
    agentOnline: online,
  });
}

/**
 * Hand the run to its Durable Object. In sync mode wait for it: a report
 * means it ended; null means a step parked for a retry and the answer is
 * the task as it stands (202: poll it or follow its events).
 */
export async function launch(
  env: RouterEnv,
  taskId: string,
  start: RunStart,
  mode: RunMode,
  since: number,
  fresh?: FreshTask,
) {
  const run = runOf(env, taskId);
  if (mode === "async") {
    await run.begin(start);
    return { ...(await taskResponse(env, taskId, since)), accepted: true as const };
  }
  // `fresh`: the row this request just wrote, so the run's first step need not read it back.
  // The report carries the replies when the run's last vault call hydrated them (in memory only).
  const report = await run.run(start, fresh, since);
  return {
    ...(await taskResponse(env, taskId, since, report?.hops, report?.row, report?.replies)),
    ...(report ? {} : { accepted: true as const }),
  };
}

/** Fail: a task that could not run is closed and says why, never left half-open. */
export async function failTask(env: RouterEnv, taskId: string, err: unknown): Promise<void> {
  const reason = err instanceof SiloError ? err.code : "internal";
  await env.PROXY.closeTask(taskId, `task failed: ${reason}`).catch(() => undefined);
  const db = database(env.DB);
  await batchWithAudit(
    db,
    [updateTask(db, taskId, { status: "failed", outcome: "failed" })],
    [{ taskId, actor: "router", event: "task.failed", reason }],
  ).catch(() => undefined);
}
