/**
 * Count, not time: the D1 round trips and Durable Object calls one bench
 * task makes (start → dispatch → complete), through the latency model's
 * trace (tools/local/latency.ts, 0 ms delays). Runs `WARM` tasks first, then
 * `TRACED` tasks one at a time, each followed by a pause long enough for the
 * vault's shipping alarm; prints each traced task's calls and the tally.
 * Usage: npx node scripts/count-trips.ts [--list]
 */
import { generateSecrets } from "../tools/local/secrets.ts";
import { startSystem } from "../tools/local/system.ts";
import { person, seedCustomers, taskBody } from "./bench/people.ts";

const WARM = 3;
const TRACED = 3;
const SETTLE_MS = 2500;
const list = process.argv.includes("--list");

const lines: string[] = [];
const write = process.stdout.write.bind(process.stdout);
// Workerd's console reaches Node's stdout: keep the trace lines, print the rest.
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  const trips = text.split("\n").filter((l) => l.includes("[trip] "));
  if (trips.length > 0) {
    for (const t of trips) lines.push(t.slice(t.indexOf("[trip] ") + 7));
    return true;
  }
  return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const secrets = await generateSecrets();
const sys = await startSystem({
  secrets,
  latency: {
    d1Ms: 0,
    doMs: 0,
    d1Bindings: ["DB"],
    doBindings: ["VAULT", "STATE", "AGENT_RATES", "TASK_RUN"],
    trace: true,
    rpcBindings: ["PROXY"],
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  await seedCustomers(await sys.db(), WARM + TRACED);
  const headers = { "content-type": "application/json", authorization: `Bearer ${secrets.SILOOS_API_KEY}` };
  const one = async (i: number) => {
    const res = await sys.mf.dispatchFetch(new URL("/v1/tasks", sys.url).href, {
      method: "POST",
      headers,
      body: taskBody(person(i)),
    });
    const body = (await res.json()) as { outcome?: string };
    if (res.status !== 201 || body.outcome !== "completed") throw new Error(`task ${i}: ${res.status}`);
    await sleep(SETTLE_MS);
  };
  for (let i = 0; i < WARM; i++) await one(i);
  const tallies: Map<string, number>[] = [];
  for (let i = WARM; i < WARM + TRACED; i++) {
    lines.length = 0;
    await one(i);
    const tally = new Map<string, number>();
    for (const l of lines) {
      const kind = l.startsWith("d1 ") ? "D1 round trips" : l.startsWith("do ") ? "DO calls" : "router→proxy RPCs";
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
    }
    tallies.push(tally);
    if (list && i === WARM + TRACED - 1) for (const l of lines) console.log(`  ${l}`);
  }
  for (const [n, t] of tallies.entries())
    console.log(`task ${n + 1}: ${[...t].map(([k, v]) => `${k} ${v}`).join(", ")}`);
} finally {
  await sys.dispose();
}
