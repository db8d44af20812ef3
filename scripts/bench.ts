/**
 * npm run bench: (a) PII scanning throughput inside workerd, (b) whole
 * SiloOS refund tasks against a bare chain of the same shape, and against
 * the floor chain (bare + one durable audit-row write a call: the least
 * issue 15's design asks, see bench/bare/proxy.ts), (c) the
 * vault's memory for 1 000 tokens. Every figure is printed beside a baseline
 * measured in the same run; nothing is asserted on time (this machine is
 * shared, figures move). A task that fails is an error, and sets exit 1.
 * See docs/benchmarks.md.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { generateSecrets } from "../tools/local/secrets.ts";
import { ROOT, startSystem } from "../tools/local/system.ts";
import { startBare } from "./bench/bare/system.ts";
import { bootWatched } from "./bench/cpu.ts";
import { CUSTOMERS, seedCustomers } from "./bench/people.ts";
import { fillRealVault, probeCosts } from "./bench/probe.ts";
import { printBudget, printTable } from "./bench/report.ts";
import { benchScan } from "./bench/scan.ts";
import { fmt } from "./bench/stats.ts";
import { auditRowsPerTask, bareOps, compare, describeOps, type Summary, siloOps, type Target } from "./bench/tasks.ts";
import { benchVaultMemory } from "./bench/vault-memory.ts";

const CONCURRENCY = 4;
const WARMUP = 30;
const TASKS = 300;
const PHASES = 4;
/** Tasks each at 1 in flight: the latency gap the unit costs must explain. */
const SOLO = 40;
/**
 * The latency model: in production a D1 query and a Durable Object call are
 * network round trips, not local CPU. Both chains get the same fixed delay
 * before every D1 call and every DO call (tools/local/latency.ts); service
 * bindings and a DO's own storage stay local, as they are there.
 */
const MODEL = { d1Ms: 5, doMs: 1, d1Bindings: ["DB"], doBindings: ["VAULT", "STATE", "AGENT_RATES", "TASK_RUN"] };
const MODEL_TASKS = 160;

const started = performance.now();
const workerd = (
  JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")) as { version: string }
).version;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(
  `SiloOS benchmarks: ${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? "?"}, Node ${process.version}, workerd ${workerd}`,
);
console.log(`load average before: ${load()} (other work on this machine moves every figure)`);

// (c) first, in a quiet Node heap, before any workerd starts.
const vault = benchVaultMemory();
if (!vault.gcAvailable) console.log("(c) note: no gc() available; heap deltas include garbage");
console.log(
  `\n(c) vault, ${vault.tokens} tokens: heap peak ${fmt(vault.peakBytes / 1024)} KiB, resident ${fmt(vault.residentBytes / 1024)} KiB, persisted ${fmt(vault.persistedBytes / 1024)} KiB (raw values ${fmt(vault.rawValueBytes / 1024)} KiB)`,
);

const scan = await benchScan();
console.log(
  `\n(a) scan: ${(scan.bytes / 1e6).toFixed(2)} MB, ${scan.messages} messages, ${scan.spans} PII spans (${fmt((scan.spans * 1000) / scan.bytes)} per KB)`,
);
console.log(
  `    tokenizeText in workerd ${fmt(scan.scanMBps)} MB/s (in-Worker clock: ${fmt(scan.innerScanMBps)} MB/s); one email regex ${fmt(scan.baselineMBps, 0)} MB/s; same code in Node ${fmt(scan.nodeScanMBps)} MB/s`,
);

const secrets = await generateSecrets();
const chains = await startChains(secrets);
const { sys, bare, floor } = chains;
try {
  if (WARMUP + TASKS + SOLO > CUSTOMERS) throw new Error("not enough seeded customers");
  const { s, b, f, sOps, bOps, fOps, same } = await timed(chains, TASKS);
  console.log(
    `\n(b) ${s.tasks} + ${b.tasks} timed tasks after ${WARMUP} warm-up each, ${CONCURRENCY} in flight, alternating in ${PHASES} phases`,
  );
  console.log(
    `    proxy calls per task: SiloOS ${sOps.length} (${describeOps(sOps)}); bare ${bOps.length}, floor ${fOps.length}, same order: ${same ? "yes" : "NO"}`,
  );
  printChains(s, b, f);
  const [b1, s1, f1] = await oneInFlight(chains);
  if (s.errors + b.errors + f.errors + s1.errors + b1.errors + f1.errors > 0 || !same) process.exitCode = 1;

  const probes = await probeCosts(bare.mf);
  const auditRows = await auditRowsPerTask(await sys.db());
  const fill = await fillRealVault(bare.mf, vault.tokens);
  console.log(
    `\n(c) a real Vault in workerd: ${fill.tokens} tokens, ${fill.keys} storage keys and tables, filled by one tokenizeRecord in ${fill.fillMs} ms`,
  );
  await Promise.all([sys.dispose(), bare.dispose(), floor.dispose()]);
  const modelled = await runModel(secrets);
  if (modelled.errors > 0 || !modelled.same) process.exitCode = 1;
  printTable({
    scan,
    silo: s,
    bare: b,
    floor: f,
    concurrency: CONCURRENCY,
    vault,
    probes,
    modelled: { ...modelled, ...MODEL },
    solo: { silo: s1.p50, bare: b1.p50 },
  });
  printBudget(probes, {
    auditRows: auditRows.all,
    directRows: auditRows.direct,
    calls: sOps.length,
    gapMs: s1.p50 - b1.p50,
  });
} finally {
  await Promise.all([sys.dispose(), bare.dispose(), floor.dispose()]).catch(() => undefined);
}

/** (b) again, on both chains rebuilt with the latency model. */
async function runModel(secrets: Awaited<ReturnType<typeof generateSecrets>>) {
  const modelChains = await startChains(secrets, MODEL);
  const { sys: sysM, bare: bareM, floor: floorM } = modelChains;
  try {
    const { s, b, f, same } = await timed(modelChains, MODEL_TASKS);
    console.log(
      `\n(b) with the latency model (+${MODEL.d1Ms} ms before every D1 call, +${MODEL.doMs} ms before every Durable Object call, both chains): ${s.tasks} + ${b.tasks} timed tasks, ${CONCURRENCY} in flight; same calls, same order: ${same ? "yes" : "NO"}`,
    );
    printChains(s, b, f);
    // One task at a time: the latency a request sees in production, where the round trips, not
    // this machine's two cores, set it.
    const [b1, s1, f1] = await oneInFlight(modelChains);
    console.log(`    load average: ${load()}`);
    const errors = s.errors + b.errors + f.errors + s1.errors + b1.errors + f1.errors;
    return { silo: s, bare: b, floor: f, solo: { silo: s1.p50, bare: b1.p50 }, errors, same };
  } finally {
    await Promise.all([sysM.dispose(), bareM.dispose(), floorM.dispose()]);
  }
}
console.log(`\nload average after: ${load()}; total ${fmt((performance.now() - started) / 1000, 0)} s`);

/** SOLO tasks on each chain, one at a time (bare, SiloOS, floor), printed: the latency of one task with no queue. */
async function oneInFlight(c: Awaited<ReturnType<typeof startChains>>) {
  const [b1, s1, f1] = (await compare([c.plain, c.silo, c.low], {
    warmup: 0,
    tasks: SOLO,
    concurrency: 1,
    phases: 2,
  })) as [Summary, Summary, Summary];
  console.log(
    `    1 in flight (${SOLO} each): SiloOS p50 ${fmt(s1.p50, 0)} ms, bare p50 ${fmt(b1.p50, 0)} ms: ${fmt(s1.p50 / b1.p50, 2)}x, ${fmt(s1.p50 - b1.p50, 0)} ms more per task; floor p50 ${fmt(f1.p50, 0)} ms: ${fmt(f1.p50 - b1.p50, 0)} ms more`,
  );
  return [b1, s1, f1] as const;
}

/** The three chains timed against each other, and whether they made the same calls in the same order. */
async function timed(c: Awaited<ReturnType<typeof startChains>>, tasks: number) {
  const [b, s, f] = (await compare([c.plain, c.silo, c.low], {
    warmup: WARMUP,
    tasks,
    concurrency: CONCURRENCY,
    phases: PHASES,
  })) as [Summary, Summary, Summary];
  const sOps = s.lastTaskId ? await siloOps(c.silo, secrets.SILOOS_ADMIN_KEY, s.lastTaskId) : [];
  const bOps = b.lastTaskId ? await bareOps(c.bare.mf, b.lastTaskId) : [];
  const fOps = f.lastTaskId ? await bareOps(c.floor.mf, f.lastTaskId) : [];
  const same = sOps.length > 0 && sOps.join() === bOps.join() && sOps.join() === fOps.join();
  return { s, b, f, sOps, bOps, fOps, same };
}

function printChains(s: Summary, b: Summary, f: Summary): void {
  for (const [name, r] of [
    ["SiloOS", s],
    ["bare", b],
    ["floor", f],
  ] as const) {
    console.log(
      `    ${name.padEnd(6)} ${fmt(r.rps)} tasks/s, p50 ${fmt(r.p50, 0)} ms, p99 ${fmt(r.p99, 0)} ms, CPU ${fmt(r.cpuMs)} ms a task, errors ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ""}`,
    );
  }
  console.log(
    `    CPU a task (all of the chain's workerd: isolates, SQLite, RPC): SiloOS ${fmt(s.cpuMs / b.cpuMs)}x bare, floor ${fmt(f.cpuMs / b.cpuMs)}x bare`,
  );
}

/** The three chains (SiloOS, bare, floor) booted (with the latency model if given) and seeded, and the targets that drive them. */
async function startChains(secrets: Awaited<ReturnType<typeof generateSecrets>>, latency?: typeof MODEL) {
  // One after another, so that each chain's workerd processes are known (CPU a task).
  const silo0 = await bootWatched(() => startSystem(latency ? { secrets, latency } : { secrets }));
  const sys = silo0.value;
  let bare0: Awaited<ReturnType<typeof bootWatched<Awaited<ReturnType<typeof startBare>>>>> | undefined;
  let floor0: typeof bare0;
  try {
    bare0 = await bootWatched(() => startBare(sys.registry, latency ? { latency } : {}));
    floor0 = await bootWatched(() => startBare(sys.registry, latency ? { latency, floor: true } : { floor: true }));
    await Promise.all([
      seedCustomers(await sys.db()),
      seedCustomers(await bare0.value.db()),
      seedCustomers(await floor0.value.db()),
    ]);
  } catch (err) {
    await Promise.all([sys, bare0?.value, floor0?.value].map((x) => x?.dispose())).catch(() => undefined);
    throw err;
  }
  const bare = bare0.value;
  const floor = floor0.value;
  const json = { "content-type": "application/json" };
  const silo: Target = {
    name: "siloos",
    mf: sys.mf,
    url: sys.url,
    headers: { ...json, authorization: `Bearer ${secrets.SILOOS_API_KEY}` },
    next: 0,
    pids: silo0.pids,
  };
  const plain: Target = { name: "bare", mf: bare.mf, url: bare.url, headers: json, next: 0, pids: bare0.pids };
  const low: Target = { name: "floor", mf: floor.mf, url: floor.url, headers: json, next: 0, pids: floor0.pids };
  return { sys, bare, floor, silo, plain, low };
}
