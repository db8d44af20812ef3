import { DurableObject } from "cloudflare:workers";
import { batchWithAudit } from "../audit/index.ts";
import { database } from "../db/index.ts";
import { SiloError } from "../errors/index.ts";
import { findAgent, registry } from "../registry/index.ts";
import type { JournalCarry } from "../vault/journal.ts";
import { type RouterEnv, routerConfig } from "./core/env.ts";
import { PRUNE_AFTER_MS } from "./core/prune.ts";
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
import { runOf } from "./run/index.ts";
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
 * A run's row: its state (JSON), whether it still has work, and when a parked
 * step is due (0: now), or, for a run with no work left, when it ended.
 */
interface RunRow {
  state: string;
  live: number;
  due: number;
}

/**
 * The durable runs of tasks, as a state machine each. A task's run is a row
 * of one of a few warm instances (run/index.ts: runShard), keyed by its task
 * id; runs of one instance go on concurrently, and every check-then-act on a
 * run is synchronous SQL, so no other event runs in between. Each hop is two
 * steps, dispatch (invoke the agent) and settle (record what it answered),
 * and the state is written after each one, so a restart of any Worker
 * resumes at the step it stopped in.
 *
 * One alarm an instance: while any of its runs is driven it fires every
 * HEARTBEAT_MS at most, and otherwise at the earliest parked retry. After a
 * restart it fires, finds the runs that have work and no drive in memory,
 * and resumes each. A step that keeps failing goes to the human queue with
 * the reason.
 */
/** How often an instance looks for finished runs to drop, at most. */
const PRUNE_EVERY_MS = 3_600_000;

/** How long a finished run's row stays in its shard (SILOOS_RUN_KEEP_SECONDS, default a day). */
function runKeepMs(env: RouterEnv): number {
  const s = Number(env.SILOOS_RUN_KEEP_SECONDS);
  return Number.isFinite(s) && s >= 0 && env.SILOOS_RUN_KEEP_SECONDS ? s * 1000 : PRUNE_AFTER_MS;
}

export class TaskRun extends DurableObject<RouterEnv> {
  /** The drives going on in this instance, by task id. */
  #driving = new Map<string, Promise<RunReport | null>>();
  /**
   * The task row as the last step of a drive left it (or as the request
   * that started the run wrote it), for the next step only: memory, never
   * storage, so a restart or a retry reads D1 again. Every change to a task
   * that is not the run's own closes its vault first (complete, expire) or
   * needs a state only the run sets (a person takes a queued task), so the
   * next step's vault calls and guarded writes catch it.
   */
  #known = new Map<string, TaskRow>();
  /** The row a run's last settle wrote (memory only, never persisted): the answer's, so it needs no read. */
  #final = new Map<string, TaskRow>();
  /** The agent's status, read by the request that started the run: for its first dispatch only. */
  #online = new Map<string, boolean>();
  /**
   * The request that drives a run answers with the customer's replies from
   * this transcript entry on: each dispatch asks its last vault call for them
   * (RepliesWanted). Memory only, by task id, for that request's drive.
   */
  #since = new Map<string, number>();
  /**
   * The customer's replies, hydrated: real values. Memory only, for the report
   * run() answers with, never in storage (RunState), a row or a log:
   * `#replies` as the last dispatch of a drive left them, for its settle;
   * `#endReplies` once that settle ended the run.
   */
  #replies = new Map<string, string[]>();
  #endReplies = new Map<string, string[]>();
  /**
   * The journal rows a run's last dispatch's run end handed over
   * (HopResult.journal), by task id, for the settle of that same hop to write
   * first (src/router/dispatch/run-journal.ts). Memory only, never in
   * RunState: a settle that does not find it here has the vault ship its
   * journal first.
   */
  #carried = new Map<string, { runNo: number; hop: number; journal: JournalCarry }>();
  /** The alarm as this instance set it: undefined unknown (set it), null none. */
  #alarmAt: number | null | undefined;
  /** Whether this instance looked for a run stored the way it was before the sharding (#handOverLegacy). */
  #legacyRead = false;
  /** When this instance last dropped finished runs (#prune). */
  #prunedAt = 0;

  constructor(ctx: DurableObjectState, env: RouterEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS runs (task_id TEXT PRIMARY KEY, state TEXT NOT NULL, live INTEGER NOT NULL, due INTEGER NOT NULL);
       CREATE INDEX IF NOT EXISTS runs_live ON runs (due) WHERE live = 1`,
    );
  }

  /**
   * Start a run and drive it to its end (or its first parked retry). The synchronous API.
   * `since`: the report carries the customer's replies from that entry on, when the run's last
   * hop was dispatched in this drive (else the caller asks the proxy for them).
   */
  async run(start: RunStart, fresh?: FreshTask, since?: number): Promise<RunReport | null> {
    const taskId = start.taskId;
    this.#begin(start);
    if (fresh?.row.id === taskId) {
      this.#known.set(taskId, fresh.row);
      this.#online.set(taskId, fresh.agentOnline);
    }
    if (since !== undefined) this.#since.set(taskId, since);
    try {
      return await this.#drive(taskId);
    } finally {
      this.#since.delete(taskId);
      this.#replies.delete(taskId);
      this.#endReplies.delete(taskId);
    }
  }

  /** Start a run and return at once: this instance drives it, its alarm resumes it if the runtime dies. The asynchronous API. */
  async begin(start: RunStart): Promise<void> {
    this.#begin(start);
    void this.#drive(start.taskId).catch(() => undefined);
  }

  /**
   * A customer turn arrived: start a run if none is going, or mark one as
   * pending so the agent reads the new message when the current run ends.
   */
  async nudge(start: RunStart): Promise<"started" | "pending"> {
    const st = this.#get(start.taskId);
    if (st && st.phase !== "done") {
      // A parked run keeps its retry time.
      this.#put({ ...st, pending: true }, "keep");
      return "pending";
    }
    await this.begin(start);
    return "started";
  }

  /** A task's current run: its phase, hops and report. */
  async status(taskId: string): Promise<Pick<RunState, "phase" | "hops" | "report" | "attempts" | "lastError"> | null> {
    const st = this.#get(taskId);
    return st
      ? { phase: st.phase, hops: st.hops, report: st.report, attempts: st.attempts, lastError: st.lastError }
      : null;
  }

  /**
   * Resolve when a task's current run is done, or null after maxMs: the end
   * of its drive in this instance, else a poll (a parked run, a restart), so
   * a shard's many waiters do not all read it every 100 ms.
   */
  async wait(taskId: string, maxMs: number): Promise<RunReport | null> {
    const until = Date.now() + maxMs;
    for (;;) {
      const st = this.#get(taskId);
      if (!st || st.phase === "done") return st?.report ?? null;
      const left = until - Date.now();
      if (left < 0) return null;
      const drive = this.#driving.get(taskId);
      let timer: ReturnType<typeof setTimeout> | null = null;
      await Promise.race([
        drive?.catch(() => null),
        new Promise((r) => (timer = setTimeout(r, Math.min(left + 1, drive ? 5000 : 100)))),
      ]);
      clearTimeout(timer);
    }
  }

  /**
   * The heartbeat: resume every run that has work due and no drive in this
   * instance (after a restart, all that were going), then set the next one.
   */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    if (!this.#legacyRead) await this.#handOverLegacy();
    const now = Date.now();
    const live = this.ctx.storage.sql
      .exec<{ task_id: string; due: number }>("SELECT task_id, due FROM runs WHERE live = 1")
      .toArray();
    for (const { task_id, due } of live)
      if (due <= now && !this.#driving.has(task_id)) void this.#drive(task_id).catch(() => undefined);
    this.#rearm();
    this.#prune(now);
  }

  /**
   * A finished run's row (no work left) is dropped once it ended more than
   * SILOOS_RUN_KEEP_SECONDS ago (default a day): the task's row in D1 and its
   * audit rows are the record, and a shard must not grow with every task it
   * ever ran. At most once an hour an instance (or once per keep period, if
   * shorter); the heartbeat and the end of each drive call it.
   */
  #prune(now = Date.now()): void {
    const keepMs = runKeepMs(this.env);
    if (now - this.#prunedAt < Math.min(PRUNE_EVERY_MS, keepMs)) return;
    this.#prunedAt = now;
    this.ctx.storage.sql.exec("DELETE FROM runs WHERE live = 0 AND due < ?", now - keepMs);
  }

  /**
   * A run from before the runs were sharded (one instance a task, its state
   * under the key "run", its alarm still set) goes to its shard, which
   * drives it as if it had started there; read once an instance.
   */
  async #handOverLegacy(): Promise<void> {
    const legacy = await this.ctx.storage.get<RunState>("run");
    if (legacy && (legacy.phase !== "done" || legacy.pending)) await runOf(this.env, legacy.taskId).adopt(legacy);
    if (legacy) await this.ctx.storage.delete("run");
    this.#legacyRead = true;
  }

  /** Take over a run from its old instance (#handOverLegacy), unless this shard has one of the task already. */
  async adopt(st: RunState): Promise<void> {
    if (this.#get(st.taskId)) return;
    this.#put(st);
    void this.#drive(st.taskId).catch(() => undefined);
  }

  /** The alarm this instance needs: a heartbeat while it drives a run, else the earliest parked retry. */
  #rearm(): void {
    let next = this.#driving.size ? Date.now() + HEARTBEAT_MS : Number.POSITIVE_INFINITY;
    for (const { task_id, due } of this.ctx.storage.sql.exec<{ task_id: string; due: number }>(
      "SELECT task_id, due FROM runs WHERE live = 1 AND due > 0 ORDER BY due",
    )) {
      if (this.#driving.has(task_id)) continue;
      next = Math.min(next, due);
      break;
    }
    if (Number.isFinite(next)) this.#alarmBy(next);
  }

  /** Make sure the alarm fires by `at`: one write to the alarm index only when it would fire later (or is unknown). */
  #alarmBy(at: number): void {
    if (this.#alarmAt != null && this.#alarmAt <= at) return;
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at).catch(() => (this.#alarmAt = undefined));
  }

  #begin(start: RunStart): void {
    const st = this.#get(start.taskId);
    if (st && st.phase !== "done") throw new SiloError("conflict", "a run of this task is in progress");
    this.#put(newRun(start, (st?.runNo ?? 0) + 1));
  }

  /** The drive of a run: one at a time a run; it starts after this returns, so the map holds it first. */
  #drive(taskId: string): Promise<RunReport | null> {
    let drive = this.#driving.get(taskId);
    if (!drive) {
      drive = Promise.resolve().then(() => this.#loop(taskId));
      this.#driving.set(taskId, drive);
      // The heartbeat: the alarm fires within HEARTBEAT_MS while this drive goes on.
      this.#alarmBy(Date.now() + HEARTBEAT_MS);
    }
    return drive;
  }

  async #loop(taskId: string): Promise<RunReport | null> {
    try {
      for (;;) {
        const st = this.#get(taskId);
        if (!st) return null;
        if (st.phase === "done") {
          if (!st.pending) {
            // A finished run keeps ids and its report only: no agent text outlives the run.
            if (st.step || st.context.handoff !== undefined || st.context.escalatedFrom !== undefined) {
              this.#put({ ...st, step: undefined, context: { channel: st.context.channel } });
            }
            const row = this.#final.get(taskId);
            const replies = this.#endReplies.get(taskId);
            this.#final.delete(taskId);
            this.#endReplies.delete(taskId);
            // The report as stored, plus what only this answer carries (row, replies): never persisted.
            return st.report ? { ...st.report, ...(row ? { row } : {}), ...(replies ? { replies } : {}) } : null;
          }
          await this.#nextTurn(st);
          continue;
        }
        // The attempt is counted before the step runs: a step that crashes the runtime still counts.
        const attempt = { ...st, attempts: st.attempts + 1 };
        this.#put(attempt);
        try {
          this.#putAfter(await this.#step(attempt));
        } catch (err) {
          const code = err instanceof SiloError ? err.code : "internal";
          const failed = { ...attempt, lastError: code };
          const retryAt = Date.now() + backoffMs(attempt.attempts);
          if (attempt.attempts >= MAX_STEP_ATTEMPTS) {
            const given = await this.#giveUp(failed, `step_failed: ${code}`).catch(() => failed);
            if (given.phase !== "done") {
              this.#putAfter(given, retryAt);
              return null;
            }
            this.#putAfter(given);
            continue;
          }
          // Parked: the alarm retries the step later, this call returns.
          this.#putAfter(failed, retryAt);
          return null;
        }
      }
    } finally {
      // In the same turn as the last read: a run begun after it gets a drive of its own.
      this.#driving.delete(taskId);
      this.#known.delete(taskId);
      this.#online.delete(taskId);
      this.#replies.delete(taskId);
      // A shard outlives its runs: what a drive kept in memory goes with it (a settle retried
      // in a later drive has the vault ship its journal first).
      this.#carried.delete(taskId);
      this.#rearm();
      this.#prune();
    }
  }

  /** One step of the state machine; returns the state to persist. */
  async #step(st: RunState): Promise<RunState> {
    const env = this.env;
    const db = database(env.DB);
    const mine = this.#known.get(st.taskId);
    const known = mine?.id === st.taskId ? mine : undefined;
    const online = known ? this.#online.get(st.taskId) : undefined;
    // The replies the previous step (a dispatch) got: for this step only, if it settles the run.
    const replies = this.#replies.get(st.taskId);
    this.#known.delete(st.taskId);
    this.#online.delete(st.taskId);
    this.#replies.delete(st.taskId);
    this.#endReplies.delete(st.taskId);
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
      const since = this.#since.get(st.taskId);
      const wanted: RepliesWanted | undefined = since === undefined ? undefined : { since };
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
      if (journal) this.#carried.set(task.id, { runNo: st.runNo, hop: st.hop, journal });
      else this.#carried.delete(task.id);
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
      this.#known.set(task.id, step.result ? { ...task, assignee: step.principal } : task);
      if (wanted?.replies) this.#replies.set(task.id, wanted.replies);
      return { ...st, phase: "settle", attempts: 0, step, hops: step.result ? [...st.hops, step.principal] : st.hops };
    }
    // The rows the run's end handed over (memory only, this drive): a settle that fails keeps them for the give-up.
    const journal = this.#carriedFor(st);
    const settled = await settleHop(env, db, task, agent, st.hop, { ...st.step!, journal }, st.context);
    this.#carried.delete(st.taskId);
    if ("done" in settled && settled.row) this.#final.set(st.taskId, settled.row);
    else this.#final.delete(st.taskId);
    if ("done" in settled && replies) this.#endReplies.set(st.taskId, replies);
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
    const c = this.#carried.get(st.taskId);
    return c && c.runNo === st.runNo && c.hop === st.hop ? c.journal : undefined;
  }

  /** #carriedFor, once: the batch that writes it is the last to need it. */
  #takeCarried(st: RunState): JournalCarry | undefined {
    const journal = this.#carriedFor(st);
    this.#carried.delete(st.taskId);
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
    this.#carried.delete(st.taskId);
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
    this.#endReplies.delete(st.taskId);
    const task = await getTask(database(this.env.DB), st.taskId);
    const holder = task?.status === "open" && task.assignee.startsWith("agent:") ? task.assignee.slice(6) : null;
    if (!holder) {
      this.#put({ ...st, pending: false });
      return false;
    }
    this.#put(newRun({ taskId: st.taskId, agent: holder, context: { channel: task!.channel } }, st.runNo + 1));
    return true;
  }

  #get(taskId: string): RunState | undefined {
    const row = this.ctx.storage.sql
      .exec<Pick<RunRow, "state">>("SELECT state FROM runs WHERE task_id = ?", taskId)
      .toArray()[0];
    return row ? (JSON.parse(row.state) as RunState) : undefined;
  }

  /**
   * Write a run's state, keyed by its task id; `when` is when its next step
   * is due (0: now, a parked run: its retry, "keep": as it was); a run with
   * no work left gets the time it ended instead. `live` and
   * `due` are written only when they change, so a step's write touches the
   * row alone, not the index of runs with work.
   */
  #put(st: RunState, when: number | "keep" = 0): void {
    const sql = this.ctx.storage.sql;
    const state = JSON.stringify(st);
    const live = st.phase !== "done" || st.pending ? 1 : 0;
    const was = sql
      .exec<Pick<RunRow, "live" | "due">>("SELECT live, due FROM runs WHERE task_id = ?", st.taskId)
      .toArray()[0];
    // A run with no work keeps when it ended in `due` (#prune).
    const due = !live ? (was && !was.live ? was.due : Date.now()) : when === "keep" ? (was?.live ? was.due : 0) : when;
    if (!was) sql.exec("INSERT INTO runs (task_id, state, live, due) VALUES (?, ?, ?, ?)", st.taskId, state, live, due);
    else if (was.live === live && was.due === due)
      sql.exec("UPDATE runs SET state = ? WHERE task_id = ?", state, st.taskId);
    else sql.exec("UPDATE runs SET state = ?, live = ?, due = ? WHERE task_id = ?", state, live, due, st.taskId);
    if (live && due) this.#alarmBy(due);
  }

  /**
   * Write the state a step computed from the one it read before it awaited:
   * a customer turn that arrived meanwhile (nudge: pending) is kept, not
   * overwritten; the next turn reads the task and drops it if nobody can run it.
   */
  #putAfter(st: RunState, due = 0): void {
    const now = this.#get(st.taskId);
    this.#put(now?.runNo === st.runNo && now.pending && !st.pending ? { ...st, pending: true } : st, due);
  }
}
