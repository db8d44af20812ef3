import { DurableObject } from "cloudflare:workers";
import { batchWithAudit } from "../audit/index.ts";
import { database } from "../db/index.ts";
import { SiloError } from "../errors/index.ts";
import { findAgent, registry } from "../registry/index.ts";
import type { JournalCarry } from "../vault/journal.ts";
import { type RouterEnv, routerConfig } from "./core/env.ts";
import { queueForHuman } from "./core/queue.ts";
import { getTask, type TaskRow } from "./core/task-rows.ts";
import {
  dispatchHop,
  giveUpChain,
  MAX_HOPS,
  type RepliesWanted,
  type RunReport,
  settleHop,
} from "./dispatch/dispatch.ts";
import { runJournal } from "./dispatch/run-journal.ts";
import { expireIfDue } from "./lifecycle/expire.ts";
import {
  backoffMs,
  type FreshTask,
  HEARTBEAT_MS,
  isRetryableAgentFailure,
  MAX_STEP_ATTEMPTS,
  newRun,
  type RunStart,
  type RunState,
} from "./run/state.ts";

/**
 * One instance per task (idFromName(taskId)): the task's run as a durable
 * state machine. Each hop is two steps, dispatch (invoke the agent) and
 * settle (record what it answered), and the state is written after each
 * one, so a restart of any Worker resumes at the step it stopped in.
 *
 * A heartbeat alarm stays a few seconds ahead while a step runs: if the
 * runtime dies, the alarm fires after the restart and the run resumes. A
 * step that keeps failing goes to the human queue with the reason.
 */
export class TaskRun extends DurableObject<RouterEnv> {
  #driving: Promise<RunReport | null> | null = null;
  /**
   * The task row as the last step of this drive left it (or as the request
   * that started the run wrote it), for the next step only: memory, never
   * storage, so a restart or a retry reads D1 again. Every change to a task
   * that is not the run's own closes its vault first (complete, expire) or
   * needs a state only the run sets (a person takes a queued task), so the
   * next step's vault calls and guarded writes catch it.
   */
  #known: TaskRow | undefined;
  /** The row the run's last settle wrote (memory only, never persisted): the answer's, so it needs no read. */
  #final: TaskRow | undefined;
  /** The agent's status, read by the request that started the run: for its first dispatch only. */
  #online: boolean | undefined;
  /**
   * The request that drives this run answers with the customer's replies from this transcript
   * entry on: each dispatch asks its last vault call for them (RepliesWanted). Memory only.
   */
  #since: number | undefined;
  /**
   * The customer's replies, hydrated: real values. Memory only, for the report run() answers
   * with, never in storage (RunState), a row or a log: `#replies` as the last dispatch of this
   * drive left them, for its settle; `#endReplies` once that settle ended the run.
   */
  #replies: { taskId: string; list: string[] } | undefined;
  #endReplies: { taskId: string; list: string[] } | undefined;
  /**
   * The journal rows the last dispatch's run end handed over (HopResult.journal), for the settle
   * of that same hop to write first (src/router/dispatch/run-journal.ts). Memory only, never in
   * RunState: a settle that does not find it here has the vault ship its journal first.
   */
  #carried: { taskId: string; runNo: number; hop: number; journal: JournalCarry } | undefined;

  /**
   * Start a run and drive it to its end (or its first parked retry). The synchronous API.
   * `since`: the report carries the customer's replies from that entry on, when the run's last
   * hop was dispatched in this drive (else the caller asks the proxy for them).
   */
  async run(start: RunStart, fresh?: FreshTask, since?: number): Promise<RunReport | null> {
    await this.#begin(start);
    const mine = fresh?.row.id === start.taskId;
    this.#known = mine ? fresh.row : undefined;
    this.#online = mine ? fresh.agentOnline : undefined;
    this.#since = since;
    try {
      return await this.#drive();
    } finally {
      this.#since = undefined;
      this.#replies = undefined;
      this.#endReplies = undefined;
    }
  }

  /** Start a run and return at once: the alarm drives it. The asynchronous API. */
  async begin(start: RunStart): Promise<void> {
    await this.#begin(start);
    await this.ctx.storage.setAlarm(Date.now());
  }

  /**
   * A customer turn arrived: start a run if none is going, or mark one as
   * pending so the agent reads the new message when the current run ends.
   */
  async nudge(start: RunStart): Promise<"started" | "pending"> {
    const st = await this.#state();
    if (st && st.phase !== "done") {
      await this.ctx.storage.put("run", { ...st, pending: true });
      return "pending";
    }
    await this.begin(start);
    return "started";
  }

  /** The current run: its phase, hops and report. */
  async status(): Promise<Pick<RunState, "phase" | "hops" | "report" | "attempts" | "lastError"> | null> {
    const st = await this.#state();
    return st
      ? { phase: st.phase, hops: st.hops, report: st.report, attempts: st.attempts, lastError: st.lastError }
      : null;
  }

  /** Resolve when the current run is done (or parked); a poll, so it works across restarts. */
  async wait(maxMs: number): Promise<RunReport | null> {
    const until = Date.now() + maxMs;
    for (;;) {
      const st = await this.#state();
      if (!st || st.phase === "done") return st?.report ?? null;
      if (Date.now() > until) return null;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  override async alarm(): Promise<void> {
    // The heartbeat of a live drive: keep it ahead, nothing to resume.
    if (this.#driving) {
      await this.ctx.storage.setAlarm(Date.now() + HEARTBEAT_MS);
      return;
    }
    await this.#drive();
  }

  async #begin(start: RunStart): Promise<void> {
    const st = await this.#state();
    if (st && st.phase !== "done") throw new SiloError("conflict", "a run of this task is in progress");
    await this.ctx.storage.put("run", newRun(start, (st?.runNo ?? 0) + 1));
  }

  #drive(): Promise<RunReport | null> {
    this.#driving ??= this.#loop().finally(() => (this.#driving = null));
    return this.#driving;
  }

  async #loop(): Promise<RunReport | null> {
    const beat = setInterval(
      () => void this.ctx.storage.setAlarm(Date.now() + HEARTBEAT_MS).catch(() => undefined),
      HEARTBEAT_MS / 3,
    );
    let beating = false;
    try {
      for (;;) {
        const st = await this.#state();
        if (!st) return null;
        if (st.phase === "done") {
          if (!st.pending) {
            // A finished run keeps ids and its report only: no agent text outlives the run.
            if (st.step || st.context.handoff !== undefined || st.context.escalatedFrom !== undefined) {
              await this.ctx.storage.put("run", { ...st, step: undefined, context: { channel: st.context.channel } });
            }
            await this.ctx.storage.deleteAlarm();
            const row = this.#final?.id === st.taskId ? this.#final : undefined;
            const replies = this.#endReplies?.taskId === st.taskId ? this.#endReplies.list : undefined;
            this.#final = undefined;
            this.#endReplies = undefined;
            // The report as stored, plus what only this answer carries (row, replies): never persisted.
            return st.report ? { ...st.report, ...(row ? { row } : {}), ...(replies ? { replies } : {}) } : null;
          }
          await this.#nextTurn(st);
          continue;
        }
        // The heartbeat is set once a drive (the interval keeps it ahead): one
        // commit to the alarm index a drive, not one a step.
        if (!beating) {
          await this.ctx.storage.setAlarm(Date.now() + HEARTBEAT_MS);
          beating = true;
        }
        // The attempt is counted before the step runs: a step that crashes the runtime still counts.
        const attempt = { ...st, attempts: st.attempts + 1 };
        await this.ctx.storage.put("run", attempt);
        try {
          await this.ctx.storage.put("run", await this.#step(attempt));
        } catch (err) {
          const code = err instanceof SiloError ? err.code : "internal";
          const failed = { ...attempt, lastError: code };
          if (attempt.attempts >= MAX_STEP_ATTEMPTS) {
            await this.ctx.storage.put("run", await this.#giveUp(failed, `step_failed: ${code}`).catch(() => failed));
            if ((await this.#state())?.phase !== "done") {
              await this.ctx.storage.setAlarm(Date.now() + backoffMs(attempt.attempts));
              return null;
            }
            continue;
          }
          await this.ctx.storage.put("run", failed);
          // Parked: the alarm retries the step later, this call returns.
          await this.ctx.storage.setAlarm(Date.now() + backoffMs(attempt.attempts));
          return null;
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** One step of the state machine; returns the state to persist. */
  async #step(st: RunState): Promise<RunState> {
    const env = this.env;
    const db = database(env.DB);
    const known = this.#known?.id === st.taskId ? this.#known : undefined;
    const online = known ? this.#online : undefined;
    // The replies the previous step (a dispatch) got: for this step only, if it settles the run.
    const replies = this.#replies?.taskId === st.taskId ? this.#replies.list : undefined;
    this.#known = undefined;
    this.#online = undefined;
    this.#replies = undefined;
    this.#endReplies = undefined;
    const task = known ?? (await getTask(db, st.taskId));
    if (!task) throw new SiloError("unknown_task", "the task row is missing");
    if ((await expireIfDue(env, task)) || task.status !== "open") {
      // Completed, expired or taken by a person meanwhile: the run has nothing left to do.
      return {
        ...st,
        phase: "done",
        pending: false,
        report: {
          outcome: task.status === "queued_human" ? "queued_human" : "failed",
          assignee: task.assignee,
          hops: st.hops,
        },
      };
    }
    const agent = findAgent(registry, st.agent);
    if (!agent) throw new SiloError("unknown_agent", `agent ${st.agent} is not in the registry`);
    if (st.phase === "dispatch") {
      if (st.hop >= MAX_HOPS)
        return {
          ...st,
          phase: "done",
          attempts: 0,
          report: { ...(await giveUpChain(env, db, task.id)), hops: st.hops },
        };
      const wanted: RepliesWanted | undefined = this.#since === undefined ? undefined : { since: this.#since };
      const { journal, ...step } = await dispatchHop(
        env,
        db,
        routerConfig(env),
        task,
        agent,
        st.hop,
        null,
        st.context,
        online,
        wanted,
      );
      this.#carried = journal ? { taskId: task.id, runNo: st.runNo, hop: st.hop, journal } : undefined;
      // An agent that crashed or hung gets one more try (same idempotency keys), then a person.
      if (step.result?.status === "failed" && isRetryableAgentFailure(step.result.reason) && st.attempts < 2) {
        // The run's rows first, then the retry's (src/router/dispatch/run-journal.ts).
        const run = await runJournal(env, db, task.id, this.#takeCarried(st));
        await batchWithAudit(
          db,
          [],
          [
            {
              taskId: task.id,
              actor: "router",
              event: "task.hop_retried",
              reason: step.result.reason.split(":")[0],
              detail: { agent: step.principal, hop: st.hop, attempt: st.attempts },
            },
          ],
          run.inserts,
        );
        run.committed();
        throw new SiloError("agent_failed", step.result.reason);
      }
      // The settle step that follows in this drive starts from the row as this step left it.
      this.#known = step.result ? { ...task, assignee: step.principal } : task;
      if (wanted?.replies) this.#replies = { taskId: task.id, list: wanted.replies };
      return { ...st, phase: "settle", attempts: 0, step, hops: step.result ? [...st.hops, step.principal] : st.hops };
    }
    // The rows the run's end handed over (memory only); kept for a retry of this settle until it succeeds.
    const journal = this.#carriedFor(st);
    const settled = await settleHop(env, db, task, agent, st.hop, { ...st.step!, journal }, st.context);
    this.#carried = undefined;
    this.#final = "done" in settled ? settled.row : undefined;
    if ("done" in settled && replies) this.#endReplies = { taskId: task.id, list: replies };
    if ("done" in settled)
      return { ...st, phase: "done", attempts: 0, step: undefined, report: { ...settled.done, hops: st.hops } };
    return {
      ...st,
      phase: "dispatch",
      attempts: 0,
      step: undefined,
      agent: settled.next.name,
      hop: st.hop + 1,
      context: settled.context,
    };
  }

  /** The carry this run's current hop was handed, if this instance still holds it. */
  #carriedFor(st: RunState): JournalCarry | undefined {
    const c = this.#carried;
    return c && c.taskId === st.taskId && c.runNo === st.runNo && c.hop === st.hop ? c.journal : undefined;
  }

  /** #carriedFor, once: the batch that writes it is the last to need it. */
  #takeCarried(st: RunState): JournalCarry | undefined {
    const journal = this.#carriedFor(st);
    this.#carried = undefined;
    return journal;
  }

  /** A run that cannot go on is a person's job, with the reason. */
  async #giveUp(st: RunState, reason: string): Promise<RunState> {
    const db = database(this.env.DB);
    // A settle that kept failing still holds the run's rows: they go first (run-journal.ts).
    const journal = st.phase === "settle" ? this.#carriedFor(st) : undefined;
    const run = journal ? await runJournal(this.env, db, st.taskId, journal) : undefined;
    await queueForHuman(
      this.env,
      db,
      st.taskId,
      "human:support",
      "failed",
      [
        {
          taskId: st.taskId,
          actor: "router",
          event: "task.queued_human",
          reason: "run_interrupted",
          detail: { to: "human:support", reason, hop: st.hop, phase: st.phase },
        },
      ],
      null,
      run?.inserts,
    );
    run?.committed();
    this.#carried = undefined;
    return {
      ...st,
      phase: "done",
      pending: false,
      report: { outcome: "queued_human", assignee: "human:support", hops: st.hops },
    };
  }

  /** The customer wrote while the last run went on: run again for the agent that holds the task. */
  async #nextTurn(st: RunState): Promise<boolean> {
    // The replies of the run that ended are not the next one's: the answer asks the proxy then.
    this.#endReplies = undefined;
    const task = await getTask(database(this.env.DB), st.taskId);
    const holder = task?.status === "open" && task.assignee.startsWith("agent:") ? task.assignee.slice(6) : null;
    if (!holder) {
      await this.ctx.storage.put("run", { ...st, pending: false });
      return false;
    }
    await this.ctx.storage.put(
      "run",
      newRun({ taskId: st.taskId, agent: holder, context: { channel: task!.channel } }, st.runNo + 1),
    );
    return true;
  }

  async #state(): Promise<RunState | undefined> {
    return this.ctx.storage.get<RunState>("run");
  }
}
