import { auditableText } from "../../audit/agent-text.ts";
import { type AuditEvent, batchWithAudit, batchWithAuditResults } from "../../audit/index.ts";
import { type AgentInvocation, type AgentResult, AgentResultSchema } from "../../contracts/agent.ts";
import type { ProxyResult } from "../../contracts/proxy.ts";
import type { Db } from "../../db/index.ts";
import { SiloError } from "../../errors/index.ts";
import type { Scope } from "../../keys/claims.ts";
import { type AgentEntry, findAgent, registry } from "../../registry/index.ts";
import type { JournalCarry } from "../../vault/journal.ts";
import { type CellOpening, openCell } from "../cells/index.ts";
import type { RouterConfig, RouterEnv } from "../core/env.ts";
import { agentOnline, queueForHuman } from "../core/queue.ts";
import { writeTaskRows } from "../core/task-audit.ts";
import { type TaskRow, updateTask } from "../core/task-rows.ts";
import { endRun, escalationOf, escalationRoute, handoffNote } from "./handover.ts";
import { keysMintedEvent, mintKeyPair } from "./mint-keys.ts";
import { runJournal } from "./run-journal.ts";

/** How long one agent invocation may take, unless SILOOS_AGENT_TIMEOUT_SECONDS says otherwise. */
const AGENT_TIMEOUT_MS = 120_000;

/** An escalation chain longer than this is a loop, not a hand-off. */
export const MAX_HOPS = 4;

export interface RunReport {
  outcome: "completed" | "escalated" | "queued_human" | "failed";
  assignee: string;
  hops: string[];
  /** Only on the report TaskRun.run answers with (never persisted): the row its last settle wrote. */
  row?: TaskRow;
  /**
   * Only on the report TaskRun.run answers with (never persisted, never logged): the customer's
   * replies, hydrated by the run's last vault call (RepliesWanted), for the HTTP answer.
   */
  replies?: string[];
}

/**
 * The request that drives a run wants the customer's replies from transcript entry `since` on:
 * the hop's last vault call (revokeKeys) hydrates them and dispatchHop leaves them in `replies`.
 * Real values: memory only, never a run's state, a row or a log line.
 */
export interface RepliesWanted {
  since: number;
  replies?: string[];
}

export interface Opening {
  /** The customer's raw message: goes to the proxy, which tokenizes it into the vault. */
  rawMessage: string;
}

export type RunContext = AgentInvocation["context"];

/** One hop done: who ran and what the agent answered (null: the agent is offline). */
export interface HopResult {
  principal: string;
  result: AgentResult | null;
  /**
   * The result's summary and reason as the vault tokenized them, in the RPC
   * that revoked the run's keys; absent (an older run's state, a closed vault):
   * settleHop asks the vault itself.
   */
  kept?: { summary?: string; reason?: string };
  /**
   * The task's journal rows the vault handed over when the run's keys died (endRun), for the
   * settle's D1 batch to write before the router's rows (run-journal.ts). Memory only: the
   * durable run keeps it out of its stored state; without it, the settle has the vault ship first.
   */
  journal?: JournalCarry;
}

/** What comes after a settled hop: the run is over, or the next agent takes it. */
export type Settled =
  | { done: RunReport /** The task row as the settling write left it, when it returned one. */; row?: TaskRow }
  | { next: AgentEntry; context: RunContext };

/**
 * Run a task from `agent` until an agent completes, fails, or hands it to a
 * human. Each hop gets freshly minted keys for the same task and vault; the
 * previous holder's keys are revoked by the hand-off. The durable run
 * (src/router/run/) drives the same two steps, dispatchHop and settleHop,
 * one at a time with its own retries.
 */
export async function runTask(
  env: RouterEnv,
  db: Db,
  cfg: RouterConfig,
  task: TaskRow,
  agent: AgentEntry,
  opening: Opening | null,
  context: RunContext,
): Promise<RunReport> {
  const hops: string[] = [];
  let current = agent;
  let ctx = context;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const step = await dispatchHop(env, db, cfg, task, current, hop, hop === 0 ? opening : null, ctx);
    if (step.result) hops.push(step.principal);
    const settled = await settleHop(env, db, task, current, hop, step, ctx);
    if ("done" in settled) return { ...settled.done, hops };
    current = settled.next;
    ctx = settled.context;
  }
  return { ...(await giveUpChain(env, db, task.id)), hops };
}

/**
 * The one seam that invokes one agent hop: mint its keys, hand it the vault,
 * record the dispatch, call the agent. Safe to repeat after a crash: the
 * hand-off revokes whatever keys an earlier attempt minted, and the agent's
 * actions carry idempotency keys derived from the task and their arguments.
 */
export async function dispatchHop(
  env: RouterEnv,
  db: Db,
  cfg: RouterConfig,
  task: TaskRow,
  agent: AgentEntry,
  hop: number,
  opening: Opening | null,
  ctx: RunContext,
  /** The agent's status if the caller read it already (the request that started the run). */
  online?: boolean,
  /** The customer's replies, hydrated in the hop's last vault call, for the caller's answer. */
  wanted?: RepliesWanted,
): Promise<HopResult> {
  const scope: Scope = { customer: task.customerId, ...(task.caseId ? { case: task.caseId } : {}) };
  const principal = `agent:${agent.name}`;
  if (!(online ?? (await agentOnline(db, agent.name)))) {
    // Plug in a human: an offline agent's work goes to the people with the same tools.
    if (opening)
      unwrap(
        await env.PROXY.openTask({
          taskId: task.id,
          principal: "human:support",
          jtis: [],
          scope,
          message: opening.rawMessage,
          expiresAt: task.expiresAt,
        }),
      );
    return { principal, result: null };
  }
  const keys = await mintKeyPair(cfg.SILOOS_SIGNING_KEYS, principal, task.id, agent.caps, scope);
  const jtis = [keys.base.jti, keys.task.jti];
  // Keys are recorded before they are handed over, with the dispatch, in the vault RPC that admits
  // them: the task's journal (src/vault/router-rows.ts), durable before the agent holds them,
  // handed to the router with the run's rows when the run ends (endRun), for its next D1 batch.
  const rows: AuditEvent[] = [
    keysMintedEvent(task.id, principal, keys, agent.caps),
    { taskId: task.id, actor: "router", event: "task.dispatched", detail: { to: principal, hop } },
  ];
  let message: string;
  if (opening) {
    message = unwrap(
      await env.PROXY.openTask({
        taskId: task.id,
        principal,
        jtis,
        scope,
        message: opening.rawMessage,
        expiresAt: task.expiresAt,
        journal: rows,
      }),
    ).message;
  } else {
    // The vault records who escalated with which grant (grounding: src/proxy/ops/grounding.ts).
    const from = ctx.escalatedFrom ? findAgent(registry, ctx.escalatedFrom) : undefined;
    // The hand-off answers with the customer's latest message: one RPC for both.
    const handed = unwrap(
      await env.PROXY.handoff(task.id, principal, jtis, from ? escalationOf(from) : undefined, rows),
    );
    if (handed.message === null) throw new SiloError("task_closed", "the task has no conversation");
    message = handed.message;
  }
  // The first hop's agent is the assignee the task was created with: nothing to write then.
  if (task.assignee !== principal) await writeTaskRows(db, [updateTask(db, task.id, { assignee: principal })]);
  const result = await invokeAgent(
    env,
    agent,
    { taskId: task.id, baseKey: keys.base.token, taskKey: keys.task.token, message, context: ctx },
    agentTimeoutMs(env),
  );
  // A run's keys die when it returns, before the router acts on its result (issue 9, item 7);
  // the text it handed back is tokenized in the same RPC, once they are dead.
  const texts = handedBack(result);
  const ended = await endRun(
    env,
    task.id,
    principal,
    jtis,
    texts.map(([, t]) => t),
    wanted?.since,
  );
  if (wanted && ended.replies) wanted.replies = ended.replies;
  const kept = ended.texts;
  if (kept === null) return { principal, result, journal: ended.journal };
  return {
    principal,
    result,
    kept: Object.fromEntries(texts.map(([k], i) => [k, kept[i] ?? ""])),
    journal: ended.journal,
  };
}

/** The agent-written text of a result the router keeps (task row, audit), by name. */
function handedBack(result: AgentResult): Array<["summary" | "reason", string]> {
  const out: Array<["summary" | "reason", string]> = [];
  if ("summary" in result) out.push(["summary", result.summary]);
  if ("reason" in result) out.push(["reason", result.reason]);
  return out;
}

/** Record what one hop's agent answered: complete, queue for a person, or pick the next agent. */
export async function settleHop(
  env: RouterEnv,
  db: Db,
  task: TaskRow,
  current: AgentEntry,
  hop: number,
  step: HopResult,
  ctx: RunContext,
): Promise<Settled> {
  const { principal, result } = step;
  if (!result) {
    await queueForHuman(env, db, task.id, "human:support", hop === 0 ? "queued" : "escalated", [
      {
        taskId: task.id,
        actor: "router",
        event: "task.queued_human",
        reason: "agent_offline",
        detail: { agent: principal, to: "human:support" },
      },
    ]);
    return { done: { outcome: "queued_human", assignee: "human:support", hops: [] } };
  }
  // The run's rows go first in whichever batch records its result (run-journal.ts).
  const run = await runJournal(env, db, task.id, step.journal);
  const summary =
    "summary" in result ? await tokenizeSummary(env, task.id, result.summary, 1000, step.kept?.summary) : null;
  const finished: AuditEvent = {
    taskId: task.id,
    actor: principal,
    event: "task.run_finished",
    detail: { status: result.status },
  };

  if (result.status === "completed") {
    // Only while the task is open: a task completed or expired meanwhile keeps its state.
    // The row comes back from the update itself (RETURNING): the answer needs no read of its own.
    const [updated] = await batchWithAuditResults(
      db,
      [updateTask(db, task.id, { outcome: "completed", summary }, { open: true }).returning()],
      [finished],
      run.inserts,
    );
    run.committed();
    const row = (updated as TaskRow[] | undefined)?.[0];
    return { done: { outcome: "completed", assignee: principal, hops: [] }, ...(row ? { row } : {}) };
  }
  if (result.status === "failed") {
    // A failed run is not a lost request: the task waits for a human.
    await queueForHuman(
      env,
      db,
      task.id,
      "human:support",
      "failed",
      [
        finished,
        {
          taskId: task.id,
          actor: "router",
          event: "task.queued_human",
          reason: "agent_failed",
          detail: {
            from: principal,
            to: "human:support",
            reason: await tokenizeSummary(env, task.id, result.reason, 200, step.kept?.reason),
          },
        },
      ],
      null,
      run.inserts,
    );
    run.committed();
    return { done: { outcome: "failed", assignee: "human:support", hops: [] } };
  }
  const { target, events: routed } = escalationRoute(task.id, current, result.target);
  const reason = await tokenizeSummary(env, task.id, result.reason, 1000, step.kept?.reason);
  if (target.startsWith("human:")) {
    // The summary rides in the queueing's one batch (task row and rows), not a write of its own.
    await queueForHuman(
      env,
      db,
      task.id,
      target,
      "escalated",
      [
        finished,
        ...routed,
        {
          taskId: task.id,
          actor: "router",
          event: "task.queued_human",
          detail: { from: principal, to: target, reason },
        },
      ],
      summary,
      run.inserts,
    );
    run.committed();
    return { done: { outcome: "queued_human", assignee: target, hops: [] } };
  }
  const next = findAgent(registry, target);
  if (!next) throw new SiloError("unknown_agent", `escalation target ${target} is not in the registry`);
  await batchWithAudit(
    db,
    [updateTask(db, task.id, { outcome: "escalated", summary }, { open: true })],
    [
      finished,
      {
        taskId: task.id,
        actor: "router",
        event: "task.escalated",
        detail: { from: principal, to: `agent:${target}`, reason },
      },
    ],
    run.inserts,
  );
  run.committed();
  // The next agent reads the summary and reason exactly as written (re-tokenized,
  // they told which guessed value was real: issue 9, item 5), as an agent-written note.
  return {
    next,
    context: {
      channel: ctx.channel,
      escalatedFrom: current.name,
      handoff: handoffNote(current, result.reason, "summary" in result ? result.summary : ""),
    },
  };
}

/** An escalation chain that does not end is a person's job. */
export async function giveUpChain(env: RouterEnv, db: Db, taskId: string): Promise<RunReport> {
  await queueForHuman(env, db, taskId, "human:support", "escalated", [
    { taskId, actor: "router", event: "task.queued_human", detail: { reason: "escalation chain too long" } },
  ]);
  return { outcome: "queued_human", assignee: "human:support", hops: [] };
}

function agentTimeoutMs(env: RouterEnv): number {
  const seconds = Number(env.SILOOS_AGENT_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : AGENT_TIMEOUT_MS;
}

async function invokeAgent(
  env: RouterEnv,
  agent: AgentEntry,
  inv: AgentInvocation,
  timeoutMs: number,
): Promise<AgentResult> {
  // The mode (service, loader, namespace) is chosen in one place: src/router/cells/.
  const opening = await openCell(env, agent, inv.taskId).catch(
    (): CellOpening => ({ ok: false, reason: "agent_unavailable: the agent's cell could not be opened" }),
  );
  if (!opening.ok) return { status: "failed", reason: opening.reason };
  let raw: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // An agent that never answers must not hold the request (its keys die in minutes anyway).
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error("agent_timeout")), timeoutMs)),
    );
    raw = await Promise.race([opening.cell.invoke("run", inv), timeout]);
  } catch (err) {
    // Never echo an agent's error text: it is untrusted.
    const timedOut = err instanceof Error && err.message === "agent_timeout";
    return { status: "failed", reason: timedOut ? "agent_timeout: no answer in time" : "agent_error: the agent threw" };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const parsed = AgentResultSchema.safeParse(raw);
  return parsed.success ? parsed.data : { status: "failed", reason: "agent_error: malformed result" };
}

/**
 * Agent text kept by the router (task row, audit): tokenized by the vault, opaque runs cut, capped.
 * `tokenized`: the vault tokenized it already, when the run's keys were revoked.
 */
async function tokenizeSummary(
  env: RouterEnv,
  taskId: string,
  text: string,
  max: number,
  tokenized: string | undefined,
): Promise<string> {
  return auditableText(tokenized ?? unwrap(await env.PROXY.tokenize(taskId, text)).text, max);
}

export function unwrap<T>(res: ProxyResult<T>): T {
  if (!res.ok) throw new SiloError(res.error, res.message);
  return res.result;
}
