/**
 * The system under load, in its own process so the load script can kill it
 * hard (SIGKILL) and start it again on the same persisted state. Reads its
 * settings from LOAD_* environment variables, prints `READY <url>`.
 */
import { join } from "node:path";
import type { LocalSecrets } from "../../tools/local/secrets.ts";
import { ROOT, startSystem } from "../../tools/local/system.ts";
import { seedCustomers } from "../bench/people.ts";

const secrets = JSON.parse(process.env.LOAD_SECRETS ?? "{}") as LocalSecrets;
const fresh = process.env.LOAD_FRESH === "1";
const sys = await startSystem({
  secrets,
  persistTo: process.env.LOAD_DIR!,
  host: "127.0.0.1",
  port: 0,
  seed: fresh,
  extraAgents: [join(ROOT, "test/fixtures/agents/faulty-agent")],
  proxyVars: {
    SILOOS_MAIL_URL: process.env.LOAD_MAIL_URL!,
    SILOOS_MAIL_API_KEY: process.env.LOAD_MAIL_KEY!,
    SILOOS_MAIL_FROM: "support@shop.example",
    SILOOS_MAIL_RETRY_SECONDS: "1",
  },
  routerVars: { SILOOS_TASK_TTL_SECONDS: "3600" },
});
if (fresh) await seedCustomers(await sys.db(), Number(process.env.LOAD_CUSTOMERS ?? 2000));
// The load script reads D1 through here (counts of refunds, outbox rows …): IPC, no extra port.
process.on("message", async (m: { id: number; sql: string }) => {
  try {
    const rows = (await (await sys.db()).prepare(m.sql).all()).results;
    process.send!({ id: m.id, rows });
  } catch (err) {
    process.send!({ id: m.id, error: String(err) });
  }
});
// Miniflare runs no cron by itself: the router's cron (expiry sweep, outbox sweep, audit seal) every 15 s.
const router = await sys.mf.getWorker("siloos-router");
setInterval(() => void router.scheduled({ cron: "* * * * *" }).catch(() => undefined), 15_000);
console.log(`READY ${sys.url.href}`);
process.on("SIGTERM", () => void sys.dispose().then(() => process.exit(0)));
