/**
 * Sums the `siloos-trace` lines the proxy and the vault log under
 * SILOOS_BENCH_TRACE=1 (src/vault/trace.ts) into one table: per op,
 * calls and milliseconds a task, by phase.
 */
import { fmt } from "./stats.ts";

interface Line {
  w: string;
  op: string;
  total: number;
  ph: Record<string, number>;
}

export class TraceTable {
  #rows = new Map<string, { calls: number; total: number; ph: Map<string, number> }>();

  /** True if the message was a trace line (and is counted). */
  take(message: string): boolean {
    const at = message.indexOf("siloos-trace ");
    if (at < 0) return false;
    const l = JSON.parse(message.slice(at + "siloos-trace ".length)) as Line;
    const key = `${l.w}\t${l.op}`;
    const row = this.#rows.get(key) ?? { calls: 0, total: 0, ph: new Map() };
    row.calls++;
    row.total += l.total;
    for (const [p, ms] of Object.entries(l.ph)) row.ph.set(p, (row.ph.get(p) ?? 0) + ms);
    this.#rows.set(key, row);
    return true;
  }

  reset(): void {
    this.#rows.clear();
  }

  /** Per op, then per phase over all ops: ms a task (wall clock in workerd); `taskMs`: a whole task's mean. */
  print(tasks: number, taskMs: number): void {
    const calls = [...this.#rows].filter(([k]) => k.startsWith("proxy\t")).reduce((n, [, r]) => n + r.total, 0);
    console.log(
      `\nof a task's ${fmt(taskMs, 1)} ms: ${fmt(calls / tasks, 1)} ms inside the proxy's calls; ${fmt(taskMs - calls / tasks, 1)} ms outside them (the router's start and end of the task, the agent's own code, the hops between Workers)`,
    );
    for (const w of ["proxy", "vault"]) {
      const rows = [...this.#rows].filter(([k]) => k.startsWith(`${w}\t`));
      const all = rows.reduce((n, [, r]) => n + r.total, 0);
      console.log(
        `\n${w === "proxy" ? "proxy calls" : "vault steps (inside the Durable Object)"}: ${fmt(all / tasks, 1)} ms a task (wall clock)`,
      );
      for (const [k, r] of rows.sort((a, b) => b[1].total - a[1].total)) {
        console.log(
          `  ${k.split("\t")[1]!.padEnd(32)} ${fmt(r.calls / tasks, 1).padStart(5)} a task  ${fmt(r.total / tasks, 2).padStart(7)} ms a task  ${fmt(r.total / r.calls, 2).padStart(6)} ms a call`,
        );
      }
      const phases = new Map<string, number>();
      for (const [, r] of rows) for (const [p, ms] of r.ph) phases.set(p, (phases.get(p) ?? 0) + ms);
      console.log("  by phase:");
      for (const [p, ms] of [...phases].sort((a, b) => b[1] - a[1]))
        console.log(`    ${p.padEnd(34)} ${fmt(ms / tasks, 2).padStart(7)} ms a task`);
    }
  }
}
