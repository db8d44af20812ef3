/**
 * npm run dev:wrangler — the same system under `wrangler dev`, one `-c` per
 * Worker (router first: it serves http://localhost:8787, PORT overrides).
 * Prepared like `npm run dev`: secrets in .dev.vars (generated), the proxy's
 * in src/proxy/.dev.vars (written here), D1 migrated and seeded with wrangler
 * before the Workers start, a demo carrier for the HTTP connector.
 *
 * What differs from `npm run dev`: plain wrangler dev cannot send an agent's
 * fetch() to the egress guard (no outboundService for a Worker), so agents
 * here can reach the network; no demo shop for the widget. `--reset` wipes
 * this mode's state (.wrangler/wrangler-dev-state).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { startFakeCarrier } from "../tools/local/fake-carrier.ts";
import { loadOrCreateDevVars, parseDevVars } from "../tools/local/secrets.ts";
import { ROOT } from "../tools/local/system.ts";
import { workerConfigs } from "../tools/local/workers.ts";
import { wranglerBin } from "./deploy/wrangler.ts";

const port = Number(process.env.PORT ?? 8787);
const persistTo = join(ROOT, ".wrangler/wrangler-dev-state");
if (process.argv.includes("--reset")) await rm(persistTo, { recursive: true, force: true });

const { secrets } = await loadOrCreateDevVars(join(ROOT, ".dev.vars"));
const devVars = parseDevVars(await readFile(join(ROOT, ".dev.vars"), "utf8"));
const carrierKey = randomBytes(18).toString("base64url");
const carrier = await startFakeCarrier(carrierKey);
// The proxy's own secrets file: wrangler dev reads .dev.vars beside each config.
const proxyVars: Record<string, string> = {
  SILOOS_VERIFY_JWKS: secrets.SILOOS_VERIFY_JWKS,
  SILOOS_LOCAL_DEV: "1",
  SHIPPING_API_URL: carrier.url,
  SHIPPING_API_KEY: carrierKey,
  ...Object.fromEntries(
    (["SILOOS_LLM", "SILOOS_LLM_API_KEY"] as const).flatMap((k) => (devVars[k] ? [[k, devVars[k]]] : [])),
  ),
};
await writeFile(
  join(ROOT, "src/proxy/.dev.vars"),
  `# Written by npm run dev:wrangler. Never commit this file.\n${Object.entries(proxyVars)
    .map(([k, v]) => `${k}='${v}'`)
    .join("\n")}\n`,
  { mode: 0o600 },
);

const wrangler = (args: string[], stdio: "inherit" | "ignore" = "inherit") =>
  spawn(process.execPath, [wranglerBin, ...args], {
    cwd: ROOT,
    stdio: ["ignore", stdio, stdio === "ignore" ? "ignore" : "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
const done = (child: ReturnType<typeof wrangler>) =>
  new Promise<number>((resolve) => child.once("close", (code) => resolve(code ?? 1)));

// The database first, with wrangler's own local D1: nothing serves before it is ready.
for (const args of [
  ["d1", "migrations", "apply", "DB", "--local", "-c", "wrangler.toml", "--persist-to", persistTo],
  ["d1", "execute", "DB", "--local", "--file", "seed/demo.sql", "-c", "wrangler.toml", "--persist-to", persistTo],
]) {
  if ((await done(wrangler(args, "ignore"))) !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed`);
}
console.log(`D1 migrated and seeded (${relative(ROOT, persistTo)}).`);

const workers = await workerConfigs();
// The router first: wrangler dev serves the first config; the others are reached by their bindings.
const ordered = [...workers.filter((w) => w.kind === "router"), ...workers.filter((w) => w.kind !== "router")];
const dev = wrangler([
  "dev",
  ...ordered.flatMap((w) => ["-c", relative(ROOT, w.config)]),
  "--port",
  String(port),
  "--ip",
  "127.0.0.1",
  "--persist-to",
  persistTo,
  "--show-interactive-dev-session=false",
]);

const base = `http://localhost:${port}`;
for (let i = 0; i < 600; i++) {
  if (
    (await fetch(`${base}/healthz`).then(
      (r) => r.status,
      () => 0,
    )) === 200
  )
    break;
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`
SiloOS under wrangler dev: ${base}  (${ordered.map((w) => w.name).join(", ")})

  curl -s ${base}/v1/tasks \\
    -H "Authorization: Bearer $(grep SILOOS_API_KEY .dev.vars | cut -d"'" -f2)" \\
    -H "Content-Type: application/json" \\
    -d '{"intent":"refund","subject":{"customerId":"cus_1001","caseId":"cas_2001"},"message":"My desk arrived cracked. Please refund the 700 USD for ord_5001."}'

Agents' fetch() is NOT sent to the egress guard in this mode (npm run dev does that). Ctrl-C stops it.`);

const stop = async () => {
  dev.kill("SIGINT");
  await carrier.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
process.exitCode = await done(dev);
await carrier.close();
