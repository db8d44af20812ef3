/**
 * Count what a Durable Object costs a task, in workerd CPU (user + system,
 * from /proc): a fresh object a task (its own SQLite database, as the Vault
 * and the TaskRun are) against a row in a warm object, and both against a
 * plain call to a warm object. Four modes, alternated over ROUNDS so that
 * the machine's drift hits all alike; the minimum of the rounds is printed.
 *   fresh      a new object a task: put, setAlarm, two puts, deleteAlarm (TaskRun's writes)
 *   fresh-noop a new object a task, called once, no storage
 *   shared     one of 4 warm objects: the same three state writes as rows of a table
 *   warm-noop  a warm object called once (what every call pays: dispatchFetch, the RPC)
 * A measuring tool, not a test: nothing asserts. See docs/benchmarks.md.
 *   npx node scripts/do-cost.ts [ops=300] [--kv]   (--kv: the key-value storage backend)
 */
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { COMPATIBILITY_DATE } from "../tools/local/system.ts";
import { bootWatched, cpuMs } from "./bench/cpu.ts";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300);
const KV = process.argv.includes("--kv");
const ROUNDS = 4;
const script = `
import { DurableObject } from "cloudflare:workers";
export class R extends DurableObject {
  async fresh(k) {
    await this.ctx.storage.put("run", { k, phase: "dispatch", attempts: 1 });
    await this.ctx.storage.setAlarm(Date.now() + 30000);
    await this.ctx.storage.put("run", { k, phase: "settle", attempts: 1 });
    await this.ctx.storage.put("run", { k, phase: "done", attempts: 0 });
    await this.ctx.storage.deleteAlarm();
  }
  async shared(k) {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS runs (k TEXT PRIMARY KEY, s TEXT)");
    for (const s of ["dispatch", "settle", "done"]) {
      this.ctx.storage.sql.exec("INSERT INTO runs VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET s = excluded.s", k, s);
      await scheduler.wait(0); // a commit each, as between a run's steps
    }
  }
  async noop() {}
  async alarm() {}
}
export default {
  async fetch(req, env) {
    const u = new URL(req.url);
    const mode = u.searchParams.get("m");
    const i = u.searchParams.get("i");
    const get = (name) => env.R.get(env.R.idFromName(name));
    if (mode === "fresh") await get("t" + i).fresh(i);
    else if (mode === "fresh-noop") await get("n" + i).noop();
    else if (mode === "shared") await get("shard" + (Number(i) % 4)).shared(i);
    else await get("shard0").noop();
    return new Response("ok");
  },
};`;
const { value: mf, pids } = await bootWatched(async () => {
  const m = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "do-cost",
          compatibilityDate: COMPATIBILITY_DATE,
          modules: [{ type: "ESModule", path: "do-cost.js", contents: script }],
          durableObjects: { R: { className: "R", useSQLite: !KV } },
        },
      ],
    }),
  );
  await m.ready;
  return m;
});
const modes = KV ? ["fresh-noop", "warm-noop"] : ["fresh", "fresh-noop", "shared", "warm-noop"];
const per = new Map<string, number[]>();
let i = 0;
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of modes) {
      const c0 = cpuMs(pids);
      for (let j = 0; j < N; j++) await (await mf.dispatchFetch(`http://do-cost/?m=${mode}&i=${i++}`)).text();
      per.set(mode, [...(per.get(mode) ?? []), (cpuMs(pids) - c0) / N]);
    }
  }
} finally {
  await mf.dispose();
}
console.log(`workerd CPU an operation (${N} a round, ${ROUNDS} rounds, min; ${KV ? "key-value" : "SQLite"} backend):`);
for (const [mode, v] of per)
  console.log(
    `  ${mode.padEnd(11)} ${Math.min(...v).toFixed(2)} ms   (rounds: ${v.map((x) => x.toFixed(2)).join(" ")})`,
  );
