/**
 * Count, not time: the storage writes a bench task makes, per SQLite file
 * kind (each Durable Object class's databases, D1's, the alarm index), for
 * SiloOS and for the bare chain. Every commit of a Durable Object's or local
 * D1's SQLite ends in an fsync and writes its changed pages to the WAL, and
 * on this machine that kernel work is a real part of a task's CPU (perf:
 * about a sixth of SiloOS's workerd time). Needs strace (Debian package
 * `strace`); a measuring tool, not a test.
 *   npx node scripts/task-storage.ts [tasks=40]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { generateSecrets } from "../tools/local/secrets.ts";
import { startSystem } from "../tools/local/system.ts";
import { startBare } from "./bench/bare/system.ts";
import { bootWatched } from "./bench/cpu.ts";
import { seedCustomers } from "./bench/people.ts";
import { runLoad, type Target } from "./bench/tasks.ts";

const N = Number(process.argv[2] ?? 40);
const secrets = await generateSecrets();
const json = { "content-type": "application/json" };

/** Writes and fsyncs a task, by file (database hashes folded), while `t` runs N tasks one at a time. */
async function traced(t: Target): Promise<Map<string, number>> {
  await runLoad(t, 20, 4); // warm, and past every database's creation but the tasks' own
  const out = join(mkdtempSync(join(os.tmpdir(), "task-storage-")), "strace.txt");
  const st = spawn(
    "strace",
    ["-f", "-y", "-e", "trace=fsync,fdatasync,pwrite64", "-o", out, "-p", String(t.pids?.[0])],
    {
      stdio: "ignore",
    },
  );
  await new Promise((r) => setTimeout(r, 1000));
  await runLoad(t, N, 1);
  await new Promise((r) => setTimeout(r, 3000)); // the vault's shipping alarm, the outbox
  st.kill("SIGINT");
  await new Promise((r) => st.on("exit", r));
  const c = new Map<string, number>();
  for (const l of readFileSync(out, "utf8").split("\n")) {
    const m = /(fsync|fdatasync|pwrite64)\(\d+<([^>]*)>/.exec(l);
    if (!m) continue;
    const parts = (m[2] ?? "").replace(/[0-9a-f]{64}/g, "#").split("/");
    const k = `${m[1] === "pwrite64" ? "page write" : "fsync"} ${parts.at(-2)}/${parts.at(-1)}`;
    c.set(k, (c.get(k) ?? 0) + 1);
  }
  return c;
}

function print(name: string, c: Map<string, number>): void {
  let writes = 0;
  let syncs = 0;
  console.log(`\n${name}, a task (${N} tasks at 1 in flight):`);
  for (const [k, v] of [...c].sort((a, b) => b[1] - a[1])) {
    if (k.startsWith("page")) writes += v;
    else syncs += v;
    if (v / N >= 0.5) console.log(`  ${(v / N).toFixed(1).padStart(6)}  ${k}`);
  }
  console.log(`  total: ${(writes / N).toFixed(1)} page writes, ${(syncs / N).toFixed(1)} fsyncs`);
}

const silo = await bootWatched(() => startSystem({ secrets }));
try {
  await seedCustomers(await silo.value.db());
  const t: Target = {
    name: "siloos",
    mf: silo.value.mf,
    url: silo.value.url,
    headers: { ...json, authorization: `Bearer ${secrets.SILOOS_API_KEY}` },
    next: 0,
    pids: silo.pids,
  };
  print("SiloOS", await traced(t));
  const bare = await bootWatched(() => startBare(silo.value.registry, {}));
  try {
    await seedCustomers(await bare.value.db());
    print(
      "bare",
      await traced({ name: "bare", mf: bare.value.mf, url: bare.value.url, headers: json, next: 0, pids: bare.pids }),
    );
  } finally {
    await bare.value.dispose();
  }
} finally {
  await silo.value.dispose();
}
