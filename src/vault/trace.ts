/**
 * Bench-only wall-clock breakdown of one proxy call or vault step
 * (SILOOS_BENCH_TRACE=1, set only by scripts/task-profile.ts). Each phase's
 * milliseconds go to the console as one line: op and phase names and
 * numbers, never a value, and never into anything an agent receives.
 * Workerd's clock advances locally; deployed it moves only on I/O, so this is
 * a local tool. Off (undefined) by default: no cost beyond `?.`.
 */
export class PhaseTrace {
  readonly #t0 = performance.now();
  #last = this.#t0;
  readonly #phases: Record<string, number> = {};
  readonly #where: string;
  op: string;

  constructor(where: string, op: string) {
    this.#where = where;
    this.op = op;
  }

  /** The time since the previous lap (or the start) was spent in `phase`. */
  lap(phase: string): void {
    const now = performance.now();
    this.#phases[phase] = (this.#phases[phase] ?? 0) + (now - this.#last);
    this.#last = now;
  }

  /** The rest goes to `phase`; one console line with the total and every phase. */
  end(phase = "rest"): void {
    this.lap(phase);
    const total = this.#last - this.#t0;
    console.log(`siloos-trace ${JSON.stringify({ w: this.#where, op: this.op, total, ph: this.#phases })}`);
  }
}

export function phaseTrace(flag: string | undefined, where: string, op: string): PhaseTrace | undefined {
  return flag === "1" ? new PhaseTrace(where, op) : undefined;
}
