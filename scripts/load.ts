/**
 * npm run load: SiloOS under load, races and a hard crash, on loopback only.
 *
 *   1. N refund tasks (the benchmark's customers, one 50 USD order each), C in flight;
 *   2. races: R tasks at once asking to refund the same order;
 *   3. crash: K runs are stopped between their refund and their reply by a
 *      SIGKILL of the runtime (node and workerd); it restarts on the same state;
 *   4. the mail outbox drains through its queue against a fake mail API that
 *      fails the first sends.
 *
 * Prints tasks accepted and lost, tasks stuck after the restart, double
 * effects, the outbox and the audit verification; exits non-zero on any loss.
 * Bounded: --tasks, --concurrency, --race, --crash, --max-seconds.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeMail } from "../test/support/fake-mail.ts";
import { generateSecrets } from "../tools/local/secrets.ts";
import { CUSTOMERS, person, taskBody } from "./bench/people.ts";
import { client, killRuntime, query, type Runtime, startRuntime, stopRuntime } from "./load/runtime.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg("tasks", 1000);
const C = arg("concurrency", 50);
const RACE = arg("race", 20);
const CRASH = arg("crash", 30);
const MAX_SECONDS = arg("max-seconds", 1200);
if (N + CRASH + 1 > CUSTOMERS) throw new Error(`at most ${CUSTOMERS - CRASH - 1} tasks`);

const bound = setTimeout(() => {
  console.error(`load: over ${MAX_SECONDS} s, stopping (counts as a failure)`);
  process.exit(2);
}, MAX_SECONDS * 1000);
bound.unref();

const dir = await mkdtemp(join(tmpdir(), "siloos-load-"));
const secrets = await generateSecrets();
const mail = await startFakeMail();
mail.failNext = 20; // the first sends fail: the consumer's retries are part of the run
const env = {
  LOAD_SECRETS: JSON.stringify(secrets),
  LOAD_DIR: dir,
  LOAD_MAIL_URL: mail.url,
  LOAD_MAIL_KEY: mail.apiKey,
};
let rt: Runtime = await startRuntime({ ...env, LOAD_FRESH: "1" });
const failures: string[] = [];
const check = (ok: boolean, what: string) => (ok ? undefined : failures.push(what));
const t0 = performance.now();

try {
  let api = client(rt.url, secrets.SILOOS_API_KEY);
  const accepted: string[] = [];
  let refused = 0;

  // 1. N tasks, C in flight.
  let next = 0;
  const lane = async () => {
    while (next < N) {
      const p = person(next++);
      const res = await api("/v1/tasks", { body: JSON.parse(taskBody(p)) }).catch(() => ({
        status: 0,
        body: {} as any,
      }));
      if ((res.status === 201 || res.status === 202) && res.body.taskId) accepted.push(res.body.taskId);
      else refused++;
    }
  };
  const l0 = performance.now();
  await Promise.all(Array.from({ length: C }, lane));
  const loadSeconds = (performance.now() - l0) / 1000;
  console.log(
    `load: ${N} tasks at ${C} in flight in ${loadSeconds.toFixed(1)} s (${(N / loadSeconds).toFixed(1)} tasks/s); accepted ${accepted.length}, refused ${refused}`,
  );
  check(refused === 0, `${refused} tasks refused at the door`);

  // 2. Races: R tasks at once on one order.
  const racer = person(N + CRASH);
  const race = await Promise.all(
    Array.from({ length: RACE }, () => api("/v1/tasks", { body: JSON.parse(taskBody(racer)) })),
  );
  for (const r of race) if (r.body.taskId) accepted.push(r.body.taskId);
  const [raced] = await query<{ n: number; cents: number | null }>(
    rt,
    `SELECT COUNT(*) AS n, SUM(amount_cents) AS cents FROM refunds WHERE order_id = '${racer.order}'`,
  );
  console.log(
    `races: ${RACE} tasks at once on ${racer.order} (50.00 USD): ${raced!.n} refund(s), ${((raced!.cents ?? 0) / 100).toFixed(2)} USD refunded`,
  );
  check((raced!.cents ?? 0) <= 5000 && raced!.n <= 1, `the raced order was refunded ${raced!.n} times`);

  // 3. Crash: K runs stopped between their refund and their reply.
  const crashIds: string[] = [];
  for (let k = 0; k < CRASH; k++) {
    const p = person(N + k);
    const res = await api("/v1/tasks?async=1", {
      body: { agent: "faulty-agent", subject: { customerId: p.id }, message: `slow-refund ${p.order} 50 600000` },
    });
    if (res.status === 202) crashIds.push(res.body.taskId);
    else failures.push(`crash phase: task refused (${res.status})`);
  }
  accepted.push(...crashIds);
  const ids = crashIds.map((id) => `'${id}'`).join(",");
  await until(
    async () =>
      (await query<{ n: number }>(rt, `SELECT COUNT(DISTINCT task_id) AS n FROM refunds WHERE task_id IN (${ids})`))[0]!
        .n === crashIds.length,
    60_000,
  );
  await killRuntime(rt);
  const r0 = performance.now();
  rt = await startRuntime({ ...env, LOAD_FRESH: "0" });
  api = client(rt.url, secrets.SILOOS_API_KEY);
  const settledSql = `SELECT COUNT(*) AS n FROM tasks WHERE id IN (${ids}) AND (outcome IS NOT NULL OR status <> 'open')`;
  await until(async () => (await query<{ n: number }>(rt, settledSql))[0]!.n === crashIds.length, 60_000);
  const recovered = (await query<{ n: number }>(rt, settledSql))[0]!.n;
  const recoverSeconds = (performance.now() - r0) / 1000;
  console.log(
    `crash: SIGKILL with ${crashIds.length} runs between refund and reply; after the restart ${recovered} reached an outcome in ${recoverSeconds.toFixed(1)} s, stuck ${crashIds.length - recovered}`,
  );
  check(recovered === crashIds.length, `${crashIds.length - recovered} tasks stuck after the restart`);

  // 4. Everything accepted reached an outcome or a person; no effect twice; the outbox drained.
  await until(
    async () =>
      (await query<{ n: number }>(rt, "SELECT COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'sending')"))[0]!
        .n === 0,
    90_000,
  );
  const all = accepted.map((id) => `'${id}'`).join(",");
  const [{ n: present }] = (await query<{ n: number }>(rt, `SELECT COUNT(*) AS n FROM tasks WHERE id IN (${all})`)) as [
    { n: number },
  ];
  const [{ n: unfinished }] = (await query<{ n: number }>(
    rt,
    `SELECT COUNT(*) AS n FROM tasks WHERE id IN (${all}) AND status = 'open' AND outcome IS NULL`,
  )) as [{ n: number }];
  const byStatus = await query<{ status: string; outcome: string | null; n: number }>(
    rt,
    `SELECT status, outcome, COUNT(*) AS n FROM tasks WHERE id IN (${all}) GROUP BY status, outcome`,
  );
  const doubleRefunds = (await query(rt, "SELECT task_id FROM refunds GROUP BY task_id, order_id HAVING COUNT(*) > 1"))
    .length;
  const doubleMail = (await query(rt, "SELECT task_id FROM outbox GROUP BY task_id, template HAVING COUNT(*) > 1"))
    .length;
  const sentTwice = mail.delivered.length - new Set(mail.delivered.map((d) => d.idempotencyKey)).size;
  const outbox = await query<{ status: string; n: number }>(
    rt,
    "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status",
  );
  const [{ n: retried }] = (await query<{ n: number }>(
    rt,
    "SELECT COUNT(*) AS n FROM audit_log WHERE event = 'mail.retry'",
  )) as [{ n: number }];
  const lost = accepted.length - present + unfinished;
  console.log(
    `tasks: accepted ${accepted.length}, lost ${lost} (missing ${accepted.length - present}, never finished ${unfinished}); ${byStatus.map((s) => `${s.status}/${s.outcome ?? "-"} ${s.n}`).join(", ")}`,
  );
  console.log(`double effects: refunds ${doubleRefunds}, emails ${doubleMail}, provider sends ${sentTwice}`);
  console.log(
    `outbox: ${outbox.map((o) => `${o.status} ${o.n}`).join(", ")}; ${retried} retries; provider received ${mail.requests.length} requests, delivered ${mail.delivered.length}`,
  );
  check(lost === 0, `${lost} tasks lost`);
  check(doubleRefunds + doubleMail + sentTwice === 0, "double effects");
  check(!outbox.some((o) => o.status === "queued" || o.status === "sending"), "the outbox did not drain");

  const verify = await api("/v1/audit/verify", { key: secrets.SILOOS_ADMIN_KEY });
  const [{ n: rows }] = (await query<{ n: number }>(rt, "SELECT COUNT(*) AS n FROM audit_log")) as [{ n: number }];
  console.log(
    `audit: ${rows} rows, verify ${verify.status === 200 ? "ok" : `FAILED ${verify.status} ${JSON.stringify(verify.body).slice(0, 200)}`}`,
  );
  check(verify.status === 200, "the audit chain does not verify");
} finally {
  await stopRuntime(rt).catch(() => undefined);
  await mail.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(
  `${failures.length === 0 ? "PASS" : `FAIL: ${failures.join("; ")}`} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);
process.exit(failures.length === 0 ? 0 : 1);

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
