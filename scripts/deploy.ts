/**
 * npm run deploy — SiloOS to Cloudflare with wrangler, nothing of its own:
 *   1. D1 migrations (wrangler d1 migrations apply, remote);
 *   2. the proxy and the egress guard (what the others bind);
 *   3. every agent (each binds only the proxy);
 *   4. the router (binds the proxy and every agent).
 *
 *   npm run deploy -- --env staging|production   deploy everything to that wrangler environment
 *                                                (one Cloudflare account each: CLOUDFLARE_ACCOUNT_ID)
 *   npm run deploy -- --dry-run [--env …]        build every Worker in that order, print sizes; no network
 *   npm run deploy -- --agent NAME [--env …]     deploy that one agent alone
 *   --fixtures (with --dry-run)                  also build the test fixture agents (CI does)
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { agentDirs, compileRegistry } from "../tools/local/registry.ts";
import { ROOT } from "../tools/local/system.ts";
import { AGENT_GZIP_BUDGET_KIB, type WorkerConfig, workerConfigs } from "../tools/local/workers.ts";
import { type Built, wrangler } from "./deploy/wrangler.ts";

const { values: opts } = parseArgs({
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean" },
    agent: { type: "string" },
    fixtures: { type: "boolean" },
  },
});
if (opts.env !== undefined && !["staging", "production"].includes(opts.env))
  fail(`--env must be staging or production, not ${opts.env}`);
const envArgs = opts.env ? ["--env", opts.env] : [];
/** Agents declare no environments (their only binding is the proxy, by name): --env goes to those that do. */
const envArgsFor = async (w: WorkerConfig) =>
  opts.env && (await readFile(w.config, "utf8")).includes(`[env.${opts.env}]`) ? envArgs : [];

// The router's grant comes from the committed registry: refuse to ship a stale one.
const compiled = await compileRegistry(await agentDirs(join(ROOT, "agents")));
const committed = JSON.parse(await readFile(join(ROOT, "src/registry/registry.generated.json"), "utf8"));
if (JSON.stringify(compiled) !== JSON.stringify(committed))
  fail("src/registry/registry.generated.json is out of date: run npm run build:registry");

let workers = await workerConfigs({ fixtures: Boolean(opts["dry-run"] && opts.fixtures) });
if (opts.agent) {
  workers = workers.filter((w) => w.kind === "agent" && w.name === opts.agent);
  if (!workers.length) fail(`no agent named ${opts.agent} in agents/`);
}

if (opts["dry-run"]) await dryRun(workers);
else await deploy(workers);

async function dryRun(list: WorkerConfig[]): Promise<void> {
  console.log(
    `Dry run${opts.env ? ` (env ${opts.env})` : ""}: building every Worker in deploy order; nothing leaves this machine.\n`,
  );
  if (!opts.agent)
    console.log(`  plan: wrangler d1 migrations apply DB --remote -c wrangler.toml ${envArgs.join(" ")}`.trimEnd());
  const rows: Array<WorkerConfig & Built> = [];
  for (const w of list) {
    const args = await envArgsFor(w);
    const built = await wrangler.build(w, args);
    rows.push({ ...w, ...built });
    // Fixture agents are built to prove they build; they are never deployed.
    const step = w.kind === "fixture" ? "build only" : "plan: wrangler deploy";
    console.log(
      `  ${step} -c ${relative(ROOT, w.config)} ${args.join(" ")}`.trimEnd() +
        `   (${w.kind}, ${kib(built.rawKiB)} raw, ${kib(built.gzipKiB)} gzip)`,
    );
  }
  console.log(`\n${"worker".padEnd(18)} ${"kind".padEnd(8)} ${"raw".padStart(12)} ${"gzip".padStart(12)}`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(18)} ${r.kind.padEnd(8)} ${kib(r.rawKiB).padStart(12)} ${kib(r.gzipKiB).padStart(12)}`,
    );
  const over = rows.filter((r) => (r.kind === "agent" || r.kind === "fixture") && r.gzipKiB > AGENT_GZIP_BUDGET_KIB);
  if (over.length)
    fail(
      `agent bundles above ${AGENT_GZIP_BUDGET_KIB} KiB gzipped: ${over.map((r) => `${r.name} (${kib(r.gzipKiB)})`).join(", ")}`,
    );
  console.log(`\n${rows.length} Workers built; every agent within ${AGENT_GZIP_BUDGET_KIB} KiB gzipped.`);
}

async function deploy(list: WorkerConfig[]): Promise<void> {
  if (!opts.env) fail("say where: --env staging or --env production (or --dry-run)");
  if (!opts.agent)
    await wrangler.run(["d1", "migrations", "apply", "DB", "--remote", "-c", join(ROOT, "wrangler.toml"), ...envArgs]);
  for (const w of list) await wrangler.run(["deploy", "-c", w.config, ...(await envArgsFor(w))]);
  console.log(`Deployed to ${opts.env}: ${list.map((w) => w.name).join(", ")}.`);
}

function kib(n: number): string {
  return `${n.toFixed(2)} KiB`;
}

function fail(message: string): never {
  console.error(`deploy: ${message}`);
  process.exit(1);
}
