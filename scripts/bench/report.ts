/** The compact table `npm run bench` ends with. Figures only: nothing here asserts. */
import type { ProbeName } from "./probe.ts";
import { PROBES } from "./probe.ts";
import type { ScanResult } from "./scan.ts";
import { SCAN_TARGET_MBPS } from "./scan.ts";
import { fmt, kib } from "./stats.ts";
import type { Summary } from "./tasks.ts";
import type { VaultMemory } from "./vault-memory.ts";

export const TASK_RATIO_TARGET = 1.5;

export interface Report {
  scan: ScanResult;
  silo: Summary;
  bare: Summary;
  /** The floor chain: bare + one durable audit-row write a call (bench/bare/proxy.ts). */
  floor?: Summary;
  concurrency: number;
  vault: VaultMemory;
  probes?: Record<ProbeName, number>;
  /** The same tasks with the latency model (a fixed delay per D1 and per Durable Object call, both chains). */
  modelled?: { silo: Summary; bare: Summary; floor?: Summary; d1Ms: number; doMs: number; solo?: Solo };
  /** p50 of tasks at 1 in flight: the latency one task sees, without queueing behind others. */
  solo?: Solo;
}

/** p50 at 1 in flight, ms. */
export interface Solo {
  silo: number;
  bare: number;
}

const row = (cells: string[], widths: number[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i] ?? 10))
    .join(" ")
    .trimEnd();

export function printTable(r: Report): void {
  const w = [38, 16, 22, 9, 18, 30];
  const taskRatio = r.bare.rps / r.silo.rps; // time per task, SiloOS over bare
  const status = (ok: boolean) => (ok ? "met" : "NOT met");
  const m = r.modelled;
  const model = (f: (x: { silo: Summary; bare: Summary; floor?: Summary }) => [number, number, number], digits = 1) => {
    if (!m) return "";
    const [silo, bare, ratio] = f(m);
    return `${fmt(silo, digits)} vs ${fmt(bare, digits)}: ${fmt(ratio, 2)}x`;
  };
  const fl = r.floor;
  const mf = m?.floor;
  // The floor's rows: what the least of issue 15's design costs over bare.
  const floorRows = fl
    ? [
        row(
          [
            "    floor chain, tasks/s",
            fmt(fl.rps),
            `${fmt(r.bare.rps)} bare`,
            `${fmt(r.bare.rps / fl.rps, 2)}x`,
            "(lower bound)",
            mf ? model((x) => [mf.rps, x.bare.rps, x.bare.rps / mf.rps]) : "",
          ],
          w,
        ),
        row(
          [
            "    floor chain, p50",
            `${fmt(fl.p50, 0)} ms`,
            `${fmt(r.bare.p50, 0)} ms bare`,
            `${fmt(fl.p50 / r.bare.p50, 2)}x`,
            "(lower bound)",
            mf ? model((x) => [mf.p50, x.bare.p50, mf.p50 / x.bare.p50], 0) : "",
          ],
          w,
        ),
      ]
    : [];
  const lines = [
    row(
      [
        "measure",
        "SiloOS",
        "baseline (same run)",
        "cost",
        "target",
        m ? `latency model (+${m.d1Ms} ms D1, +${m.doMs} ms DO)` : "",
      ],
      w,
    ),
    row(
      [
        "(a) scan throughput, in workerd",
        `${fmt(r.scan.scanMBps)} MB/s`,
        `${fmt(r.scan.baselineMBps, 0)} MB/s 1 regex`,
        `${fmt(r.scan.baselineMBps / r.scan.scanMBps)}x`,
        `>=${SCAN_TARGET_MBPS} MB/s ${status(r.scan.scanMBps >= SCAN_TARGET_MBPS)}`,
      ],
      w,
    ),
    row(
      [
        `(b) tasks/s, ${r.concurrency} in flight`,
        fmt(r.silo.rps),
        `${fmt(r.bare.rps)} bare`,
        `${fmt(taskRatio, 2)}x`,
        `<=${TASK_RATIO_TARGET}x ${status(taskRatio <= TASK_RATIO_TARGET)}`,
        model((x) => [x.silo.rps, x.bare.rps, x.bare.rps / x.silo.rps]),
      ],
      w,
    ),
    row(
      [
        "    p50 latency",
        `${fmt(r.silo.p50, 0)} ms`,
        `${fmt(r.bare.p50, 0)} ms bare`,
        `${fmt(r.silo.p50 / r.bare.p50, 2)}x`,
        `<=${TASK_RATIO_TARGET}x ${status(r.silo.p50 / r.bare.p50 <= TASK_RATIO_TARGET)}`,
        model((x) => [x.silo.p50, x.bare.p50, x.silo.p50 / x.bare.p50], 0),
      ],
      w,
    ),
    row(
      [
        "    p99 latency",
        `${fmt(r.silo.p99, 0)} ms`,
        `${fmt(r.bare.p99, 0)} ms bare`,
        `${fmt(r.silo.p99 / r.bare.p99, 2)}x`,
        "",
        model((x) => [x.silo.p99, x.bare.p99, x.silo.p99 / x.bare.p99], 0),
      ],
      w,
    ),
    row(
      [
        "    p50 latency, 1 in flight",
        r.solo ? `${fmt(r.solo.silo, 0)} ms` : "",
        r.solo ? `${fmt(r.solo.bare, 0)} ms bare` : "",
        r.solo ? `${fmt(r.solo.silo / r.solo.bare, 2)}x` : "",
        "",
        m?.solo ? `${fmt(m.solo.silo, 0)} vs ${fmt(m.solo.bare, 0)}: ${fmt(m.solo.silo / m.solo.bare, 2)}x` : "",
      ],
      w,
    ),
    row(
      [
        "    CPU a task (workerd)",
        `${fmt(r.silo.cpuMs)} ms`,
        `${fmt(r.bare.cpuMs)} ms bare`,
        `${fmt(r.silo.cpuMs / r.bare.cpuMs, 2)}x`,
        "",
        model((x) => [x.silo.cpuMs, x.bare.cpuMs, x.silo.cpuMs / x.bare.cpuMs]),
      ],
      w,
    ),
    ...floorRows,
    row(
      [
        `(c) vault, ${r.vault.tokens} tokens: heap peak`,
        kib(r.vault.peakBytes),
        `${kib(r.vault.rawValueBytes)} raw values`,
        `${fmt(r.vault.peakBytes / r.vault.rawValueBytes)}x`,
      ],
      w,
    ),
    row(
      [
        "    heap resident (drained)",
        kib(r.vault.residentBytes),
        "",
        `${fmt(r.vault.residentBytes / r.vault.rawValueBytes)}x`,
      ],
      w,
    ),
    row(
      [
        "    persisted (key + JSON value)",
        kib(r.vault.persistedBytes),
        "",
        `${fmt(r.vault.persistedBytes / r.vault.rawValueBytes)}x`,
      ],
      w,
    ),
  ];
  console.log(`\n${lines.join("\n")}`);
  if (r.probes) {
    console.log("\nunit costs inside workerd (ms per operation):");
    for (const [name, ms] of Object.entries(r.probes) as [ProbeName, number][]) {
      console.log(`  ${PROBES[name].label.padEnd(50)} ${fmt(ms, 3).padStart(8)} ms`);
    }
  }
}

/**
 * The gap at 1 in flight against what the unit costs account for: audit
 * rows and key checks are counted in this run; one known-value matcher
 * compile per task is read from the code (the vault's first scan of a new
 * customer; later matchers reuse V8's regexp cache).
 */
export function printBudget(
  p: Record<ProbeName, number>,
  c: { auditRows: number; directRows: number; calls: number; gapMs: number },
): void {
  const items: [string, number][] = [
    // Proxy-call rows are journaled in the vault (a local SQLite write) and reach D1 in batches; the rest are D1 writes of their own.
    [
      `${fmt(c.directRows, 0)} of ${fmt(c.auditRows, 0)} audit rows written to D1 directly x ${fmt(p["d1-audit"], 2)} ms`,
      c.directRows * p["d1-audit"],
    ],
    // The proxy remembers a verified key per isolate (src/proxy/core/verified-keys.ts): one check a run, not a call.
    [`1 key-pair check (${c.calls - 1} calls remembered) x ${fmt(p.verify, 2)} ms + 1 mint`, p.verify + p.mint],
    [`1 known-value matcher compile`, p.compile],
  ];
  const total = items.reduce((n, [, ms]) => n + ms, 0);
  console.log(`\nper-task budget at 1 in flight (SiloOS - bare = ${fmt(c.gapMs, 0)} ms):`);
  for (const [label, ms] of items) console.log(`  ${label.padEnd(50)} ${fmt(ms, 1).padStart(8)} ms`);
  console.log(`  ${"sum of the above".padEnd(50)} ${fmt(total, 1).padStart(8)} ms`);
  console.log(
    `  ${"rest (scripts/task-profile.ts breaks it down)".padEnd(50)} ${fmt(c.gapMs - total, 1).padStart(8)} ms`,
  );
}
