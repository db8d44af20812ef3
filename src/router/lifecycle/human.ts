import type { Capability } from "../../contracts/capabilities.ts";
import { database } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import { findAgent, registry } from "../../registry/index.ts";
import { shipTaskAudit } from "../core/audit-ship.ts";
import { type RouterEnv, routerConfig } from "../core/env.ts";
import { agentOnline } from "../core/queue.ts";
import type { TaskRow } from "../core/task-rows.ts";
import { unwrap } from "../dispatch/dispatch.ts";
import { keysMintedEvent, mintKeyPair } from "../dispatch/mint-keys.ts";
import { guardedTaskWrite } from "./guarded.ts";
import { requireTask, taskResponse } from "./read.ts";
import { launch } from "./start.ts";

/** A signed-in person, as the lifecycle sees them: a principal, a role and the role's grant. */
export interface Person {
  principal: string;
  role: string;
  caps: readonly Capability[];
}

const scopeOf = (row: TaskRow) => ({ customer: row.customerId, ...(row.caseId ? { case: row.caseId } : {}) });

/**
 * Take: a person takes a queued task with keys minted for them, as a hop
 * does for an agent. Who holds the task is decided by one guarded D1 batch
 * (assignee, `key.minted`, `task.assigned`): of N people taking at once,
 * exactly one wins and the rest get `conflict` with nothing written. Only
 * the winner then hands the vault over, so a losing take can never revoke
 * the winner's keys; a vault hand-off that fails leaves the task theirs, to
 * take again (fresh keys, the old ones revoked).
 */
export async function takeTask(env: RouterEnv, taskId: string, person: Person) {
  const row = await requireTask(env, taskId);
  if (row.status !== "queued_human")
    throw new SiloError("conflict", `the task is ${row.status}, not waiting for a person`);
  const visible =
    row.assignee === person.principal || row.assignee === `human:${person.role}` || person.role === "supervisor";
  if (!visible) throw new SiloError("forbidden", "this task is assigned to someone else");
  const keys = await mintKeyPair(
    routerConfig(env).SILOOS_SIGNING_KEYS,
    person.principal,
    row.id,
    person.caps,
    scopeOf(row),
  );
  const won = await guardedTaskWrite(
    env.DB,
    row.id,
    { where: "status = 'queued_human' AND assignee = ?", binds: [row.assignee] },
    { assignee: person.principal },
    [
      keysMintedEvent(row.id, person.principal, keys, person.caps),
      {
        taskId: row.id,
        actor: person.principal,
        event: "task.assigned",
        detail: { from: row.assignee, to: person.principal },
      },
    ],
  );
  if (!won) throw new SiloError("conflict", "someone else took this task first");
  unwrap(await env.PROXY.handoff(row.id, person.principal, [keys.base.jti, keys.task.jti]));
  return { task: await taskResponse(env, row.id, 0), keys: { baseKey: keys.base.token, taskKey: keys.task.token } };
}

/**
 * Hand back: the person holding a task gives it to an online agent. The
 * status change and `task.handed_back` are one guarded batch (the task must
 * still be queued and theirs), then the task runs as a durable run like any
 * other; its first hop revokes the person's keys as it admits the agent's.
 */
export async function handBackTask(env: RouterEnv, row: TaskRow, person: Person, agentName: string) {
  const agent = findAgent(registry, agentName);
  if (!agent) throw new SiloError("unknown_agent", `no agent named ${agentName}`);
  if (!(await agentOnline(database(env.DB), agent.name))) throw new SiloError("conflict", `${agent.name} is offline`);
  // The person's calls (journaled in the task's vault) reach the log before the hand-back row.
  await shipTaskAudit(env, row.id);
  const won = await guardedTaskWrite(
    env.DB,
    row.id,
    { where: "status = 'queued_human' AND assignee = ?", binds: [person.principal] },
    { status: "open" },
    [{ taskId: row.id, actor: person.principal, event: "task.handed_back", detail: { to: `agent:${agent.name}` } }],
  );
  if (!won) throw new SiloError("conflict", "the task is no longer yours to hand back");
  const handoff = {
    from: person.principal,
    provenance: "operator-written" as const,
    reason: "handed back by a person",
    summary: "",
  };
  return launch(
    env,
    row.id,
    { taskId: row.id, agent: agent.name, context: { channel: row.channel, escalatedFrom: person.principal, handoff } },
    "sync",
    0,
  );
}
