import type { TaskRow } from "../core/task-rows.ts";
import type { HopResult, RunContext, RunReport } from "../dispatch/dispatch.ts";

/**
 * The persisted state of one task's run (src/router/task-run.ts). Ids,
 * agent names and tokenized text only: the customer's raw message went to
 * the vault before the run began, and keys are minted afresh at each step.
 */
export interface RunState {
  taskId: string;
  /** Runs of the same task are numbered: a later customer turn is a new run. */
  runNo: number;
  /** The agent of the current hop. */
  agent: string;
  hop: number;
  context: RunContext;
  /** dispatch: invoke the agent; settle: record its answer; done: over. */
  phase: "dispatch" | "settle" | "done";
  /** Attempts of the current step, counted before it runs. */
  attempts: number;
  /** The dispatched hop's answer, kept so a crash before settling never re-invokes the agent. */
  step?: HopResult;
  hops: string[];
  report?: RunReport;
  /** A customer turn arrived during the run: run again when it ends. */
  pending: boolean;
  lastError?: string;
}

export interface RunStart {
  taskId: string;
  agent: string;
  context: RunContext;
}

/** While a step runs, the alarm stays this far ahead: a dead runtime is noticed this soon after it restarts. */
export const HEARTBEAT_MS = 10_000;

/** A step that failed this many times sends the task to a person. */
export const MAX_STEP_ATTEMPTS = 5;

/** 1 s, 2 s, 4 s … capped at a minute. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export function newRun(start: RunStart, runNo: number): RunState {
  return { ...start, runNo, hop: 0, phase: "dispatch", attempts: 0, hops: [], pending: false };
}

/** The agent never answered, or threw: worth one more try. A "failed" it chose itself is not. */
export function isRetryableAgentFailure(reason: string): boolean {
  return reason.startsWith("agent_timeout") || reason.startsWith("agent_error: the agent threw");
}

/**
 * What the request that starts a run knows already, handed to the run's
 * first step so it need not read it back from D1: the task row it wrote and
 * the agent's status it read in the same batch.
 */
export interface FreshTask {
  row: TaskRow;
  agentOnline: boolean;
}
