/**
 * npm run dev — the whole system locally: router on http://localhost:8787
 * (PORT overrides), proxy, egress guard and every agent in one workerd, with
 * a local D1 (migrated, seeded) and Durable Objects persisted in .wrangler/state.
 * SILOOS_STATE_DIR and SILOOS_DEV_VARS move the state and the secrets file
 * (the readiness test runs a second dev system beside yours).
 */

import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { AgentModeSchema } from "../src/contracts/cell.ts";
import { startDemoSite } from "../tools/local/demo-site.ts";
import { startFakeCarrier } from "../tools/local/fake-carrier.ts";
import { loadOrCreateDevVars, parseDevVars } from "../tools/local/secrets.ts";
import { ROOT, startSystem } from "../tools/local/system.ts";

const port = Number(process.env.PORT ?? 8787);
const stateDir = resolve(ROOT, process.env.SILOOS_STATE_DIR ?? ".wrangler/state");
const devVarsPath = resolve(ROOT, process.env.SILOOS_DEV_VARS ?? ".dev.vars");
// How agents run (docs/egress.md): service (a Worker each, the default), loader (Worker Loader) or namespace (a stand-in dispatch namespace).
const agentMode = AgentModeSchema.safeParse(process.env.SILOOS_AGENT_MODE ?? "service");
if (!agentMode.success) {
  console.error("SILOOS_AGENT_MODE must be service, loader or namespace");
  process.exit(1);
}
if (process.argv.includes("--reset")) {
  await rm(stateDir, { recursive: true, force: true });
  console.log(`Local state wiped (${stateDir}).`);
}
const { secrets, created } = await loadOrCreateDevVars(devVarsPath);
if (created) console.log("Generated local secrets in .dev.vars (git-ignored).");

// The model: offline unless SILOOS_LLM is set (environment or .dev.vars), e.g.
// SILOOS_LLM=openai:gpt-4o-mini@https://api.openai.com/v1 with SILOOS_LLM_API_KEY.
const devVars = parseDevVars(await readFile(devVarsPath, "utf8"));
const llm = Object.fromEntries(
  (["SILOOS_LLM", "SILOOS_LLM_API_KEY"] as const).flatMap((k) => {
    const v = process.env[k] ?? devVars[k];
    return v ? [[k, v]] : [];
  }),
);

// The demo carrier API the proxy's HTTP connector calls, with a per-run secret.
const carrierKey = randomBytes(18).toString("base64url");
const carrier = await startFakeCarrier(carrierKey);
// A demo shop on another origin that embeds the chat widget for a signed-in customer.
const sitePort = port + 1;
const siteSecret = randomBytes(24).toString("base64url");
const widgetSites = JSON.stringify({
  demo: {
    origins: [`http://localhost:${sitePort}`, `http://127.0.0.1:${sitePort}`],
    secret: siteSecret,
    intent: "general",
  },
});
const system = await startSystem({
  secrets,
  port,
  host: process.env.HOST ?? "127.0.0.1",
  persistTo: stateDir,
  proxyVars: { SHIPPING_API_URL: carrier.url, SHIPPING_API_KEY: carrierKey, ...llm },
  routerVars: { SILOOS_WIDGET_SITES: widgetSites },
  agentMode: agentMode.data,
});
const MODE_LINE = {
  service: "service (each agent its own Worker; egress through the local outbound service)",
  loader:
    "loader (each hop a dynamic Worker from its published build via the Worker Loader; globalOutbound = the egress guard)",
  namespace: "namespace (a local stand-in dispatch namespace; outbound Worker = the egress guard)",
} as const;
const base = `http://localhost:${port}`;
const shop = await startDemoSite({
  routerUrl: base,
  site: "demo",
  siteSecret,
  customerId: "cus_1001",
  port: sitePort,
  host: "localhost",
});
console.log(`
SiloOS is up: router ${base}  (agents: ${system.registry.agents.map((a) => a.name).join(", ")}; model: ${llm.SILOOS_LLM ?? "offline"})
  Agent mode: ${MODE_LINE[system.agentMode]}

  curl ${base}/healthz

  curl -s ${base}/v1/tasks \\
    -H "Authorization: Bearer $(grep SILOOS_API_KEY .dev.vars | cut -d"'" -f2)" \\
    -H "Content-Type: application/json" \\
    -d '{"intent":"refund","subject":{"customerId":"cus_1001","caseId":"cas_2001"},"message":"My desk arrived cracked. Please refund the 700 USD for ord_5001."}'

  Operator console: ${base}/console/  (alice / alice-demo-password, carol / carol-demo-password)
  Chat widget on a demo shop: ${shop.url}/  (signed in as cus_1001)
  API reference: ${base}/docs/

Ctrl-C stops it.`);

const stop = async () => {
  await system.dispose();
  await carrier.close();
  await shop.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
