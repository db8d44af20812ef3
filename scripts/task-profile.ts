/**
 * Where one SiloOS task's time goes: the bench's refund task (scripts/bench.ts
 * part (b)) run at 1 in flight in one real workerd, with
 * - CPU profiles of every Worker through the DevTools inspector (self time by
 *   source module and by function), and
 * - the proxy's per-call wall-clock breakdown (SILOOS_BENCH_TRACE=1, set only
 *   here: each call and each vault step logs its phases' milliseconds, no
 *   values, to the console; never to an agent).
 *
 *   npx node scripts/task-profile.ts [tasks=40] [--no-cpu] [--no-trace]
 *
 * Figures only; nothing asserts. See docs/benchmarks.md.
 */
import os from "node:os";
import { generateSecrets } from "../tools/local/secrets.ts";
import { startSystem } from "../tools/local/system.ts";
import { selfTime, startProfiling, top } from "./bench/cpu-profile.ts";
import { CUSTOMERS, seedCustomers } from "./bench/people.ts";
import { fmt } from "./bench/stats.ts";
import { type LoadStats, runLoad, summarize, type Target } from "./bench/tasks.ts";
import { TraceTable } from "./bench/trace-table.ts";

const args = process.argv.slice(2);
const TASKS = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const CPU = !args.includes("--no-cpu");
const TRACE = !args.includes("--no-trace");
const WARMUP = 15;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const traces = new TraceTable();
const secrets = await generateSecrets();
const sys = await startSystem({
  secrets,
  ...(CPU ? { inspectorPort: 0 } : {}),
  ...(TRACE ? { proxyVars: { SILOOS_BENCH_TRACE: "1" } } : {}),
  onLog: (l) => {
    if (!traces.take(l.message) && l.level !== "debug") process.stderr.write(`${l.message}\n`);
  },
});
try {
  if (WARMUP + TASKS > CUSTOMERS) throw new Error("not enough seeded customers");
  await seedCustomers(await sys.db());
  const silo: Target = {
    name: "siloos",
    mf: sys.mf,
    url: sys.url,
    headers: { "content-type": "application/json", authorization: `Bearer ${secrets.SILOOS_API_KEY}` },
    next: 0,
  };
  console.log(`task profile: ${TASKS} refund tasks at 1 in flight after ${WARMUP} warm-up; load ${load()}`);
  await runLoad(silo, WARMUP, 1);
  traces.reset();
  const profiler = CPU ? await startProfiling(await sys.mf.getInspectorURL()) : undefined;
  const stats: LoadStats = { tasks: 0, errors: 0, wallMs: 0, latencies: [] };
  await runLoad(silo, TASKS, 1, stats);
  const profiles = await profiler?.stop();
  const s = summarize(stats);
  console.log(
    `tasks: ${s.tasks}, errors ${s.errors}${s.firstError ? ` (${s.firstError})` : ""}; p50 ${fmt(s.p50, 0)} ms, mean ${fmt(stats.wallMs / s.tasks, 1)} ms a task; load ${load()}`,
  );
  if (s.errors > 0) process.exitCode = 1;
  if (TRACE) traces.print(TASKS, stats.wallMs / s.tasks);
  if (profiles) {
    const bundles = new Map(
      sys.workers.map((w) => [w.name ?? "", (w.modules as Array<{ contents?: string }> | undefined)?.[0]?.contents]),
    );
    console.log(
      `\nCPU self time a task, by module and function (sample count x 0.1 ms; idle and (program), the thread outside the isolate, excluded):`,
    );
    for (const [name, p] of profiles) {
      const t = selfTime(p, typeof bundles.get(name) === "string" ? (bundles.get(name) as string) : undefined);
      if (t.busyMs / TASKS < 0.05) continue;
      console.log(
        `\n  ${name}: ${fmt(t.busyMs / TASKS, 2)} ms of its own JavaScript a task (samples cover ${fmt(t.coverage * 100, 0)}% of the wall time)`,
      );
      for (const [m, ms] of top(t.byModule, 12)) console.log(`    ${fmt(ms / TASKS, 2).padStart(7)}  ${m}`);
      console.log("    by function:");
      for (const [f, ms] of top(t.byFunction, 15)) console.log(`    ${fmt(ms / TASKS, 2).padStart(7)}  ${f}`);
    }
  }
} finally {
  await sys.dispose();
}
