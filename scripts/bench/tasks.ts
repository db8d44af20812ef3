/**
 * (b) Whole refund tasks through SiloOS vs the bare chain: the same seeded
 * customers (one delivered 50 USD order each), the same message, the same
 * concurrency. Timed phases alternate (bare, SiloOS, floor, bare, …) so
 * drift and D1 growth hit all alike. Every answer is checked: a refused or failed
 * task counts as an error, not as a fast request.
 */
import type { Miniflare } from "miniflare";
import { cpuMs } from "./cpu.ts";
import { person, taskBody } from "./people.ts";
import { quantile } from "./stats.ts";

export interface Target {
  name: string;
  mf: Miniflare;
  url: URL;
  headers: Record<string, string>;
  /** Next unused customer index in this target's D1. */
  next: number;
  /** The chain's workerd processes, for CPU time a task (empty: not measured). */
  pids?: readonly number[];
}

export interface LoadStats {
  tasks: number;
  errors: number;
  wallMs: number;
  latencies: number[];
  firstError?: string;
  lastTaskId?: string;
  /** CPU ms the chain's workerd spent a timed task (NaN: not measured). */
  cpuMs?: number;
}

export async function runLoad(t: Target, tasks: number, concurrency: number, into?: LoadStats): Promise<LoadStats> {
  const stats: LoadStats = into ?? { tasks: 0, errors: 0, wallMs: 0, latencies: [] };
  let left = tasks;
  const t0 = performance.now();
  const lane = async () => {
    while (left > 0) {
      left--;
      const p = person(t.next++);
      const s = performance.now();
      const res = await t.mf.dispatchFetch(new URL("/v1/tasks", t.url).href, {
        method: "POST",
        headers: t.headers,
        body: taskBody(p),
      });
      const body = parse(await res.text());
      stats.latencies.push(performance.now() - s);
      stats.tasks++;
      if (body.taskId) stats.lastTaskId = body.taskId;
      if (res.status !== 201 || body.outcome !== "completed" || !body.reply?.includes("refunded")) {
        stats.errors++;
        stats.firstError ??= `${res.status} ${JSON.stringify(body).slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  stats.wallMs += performance.now() - t0;
  return stats;
}

type Answer = { taskId?: string; outcome?: string; reply?: string | null };

function parse(text: string): Answer {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return { reply: text.slice(0, 300) }; // an error page: counted as an error, shown as is
  }
}

export interface Summary {
  tasks: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU ms the chain's workerd spent a timed task (NaN: not measured). */
  cpuMs: number;
  firstError?: string;
  lastTaskId?: string;
}

export function summarize(s: LoadStats): Summary {
  return {
    tasks: s.tasks,
    errors: s.errors,
    rps: (s.tasks * 1000) / s.wallMs,
    p50: quantile(s.latencies, 0.5),
    p99: quantile(s.latencies, 0.99),
    cpuMs: s.cpuMs ?? Number.NaN,
    ...(s.firstError ? { firstError: s.firstError } : {}),
    ...(s.lastTaskId ? { lastTaskId: s.lastTaskId } : {}),
  };
}

/**
 * Warm every target, then alternate timed phases (targets in the order
 * given, each phase); returns one summary per target, in that order.
 */
export async function compare(
  targets: readonly Target[],
  opts: { warmup: number; tasks: number; concurrency: number; phases: number },
): Promise<Summary[]> {
  for (const t of targets) await runLoad(t, opts.warmup, opts.concurrency);
  const stats = targets.map((): LoadStats => ({ tasks: 0, errors: 0, wallMs: 0, latencies: [] }));
  const per = Math.ceil(opts.tasks / opts.phases);
  // A chain's workerd works only in its own phases (and on what they leave
  // running, such as outbox delivery, which is its cost too).
  const cpu0 = targets.map((t) => cpuMs(t.pids ?? []));
  for (let i = 0; i < opts.phases; i++) {
    for (const [j, t] of targets.entries()) await runLoad(t, per, opts.concurrency, stats[j]);
  }
  for (const [j, t] of targets.entries()) {
    const s = stats[j] as LoadStats;
    if ((t.pids?.length ?? 0) > 0) s.cpuMs = (cpuMs(t.pids ?? []) - (cpu0[j] ?? 0)) / s.tasks;
  }
  return stats.map(summarize);
}

/** The proxy calls SiloOS made for a task, in order, from its audit rows (GET /v1/audit ships the vault's journal first). */
export async function siloOps(t: Target, adminKey: string, taskId: string): Promise<string[]> {
  const res = await t.mf.dispatchFetch(new URL(`/v1/audit?taskId=${taskId}&limit=1000`, t.url).href, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  const body = (await res.json()) as { entries?: Array<{ event: string; op: string | null }> };
  return (body.entries ?? []).filter((e) => e.event === "proxy.call").map((e) => e.op ?? "?");
}

/** The calls the bare proxy saw for a task (kept in its memory, no I/O). */
export async function bareOps(mf: Miniflare, taskId: string): Promise<string[]> {
  const worker = await mf.getWorker("bare-proxy");
  return ((await (await worker.fetch(`http://bare/ops?task=${taskId}`)).json()) as string[] | null) ?? [];
}

/** Audit rows per task over every task run so far, and those of them D1 got one write each (not shipped from a vault's journal). */
export async function auditRowsPerTask(db: D1Database): Promise<{ all: number; direct: number }> {
  const all = await db
    .prepare("SELECT (SELECT COUNT(*) FROM audit_log) * 1.0 / (SELECT COUNT(*) FROM tasks) AS n")
    .first<{ n: number }>();
  // Before the vault journal (no vault_seq column) every row was a D1 write of its own.
  const direct = await db
    .prepare(
      "SELECT (SELECT COUNT(*) FROM audit_log WHERE vault_seq IS NULL) * 1.0 / (SELECT COUNT(*) FROM tasks) AS n",
    )
    .first<{ n: number }>()
    .catch(() => all);
  return { all: all?.n ?? Number.NaN, direct: direct?.n ?? Number.NaN };
}

/** "whoami, transcript.read, llm.chat, customer.read, …" with runs folded. */
export function describeOps(ops: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n > 1 ? `${op} x${n}` : op)).join(", ");
}
