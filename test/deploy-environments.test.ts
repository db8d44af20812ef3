import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { workerConfigs } from "../tools/local/workers.ts";

/**
 * `npm run deploy -- --env staging|production`: wrangler environments do not
 * inherit vars or bindings, so the router, proxy and egress guard restate
 * theirs per environment. This holds them to the top level: the same name
 * (one account per environment), the same everything, except a D1 database
 * of the environment's own. Agents have no environments: their only binding
 * is the proxy, by name.
 */
const ENVS = ["staging", "production"] as const;
const workers = await workerConfigs();

describe("wrangler environments differ from the top level only in their D1", () => {
  const withD1 = workers.filter((w) => w.kind !== "agent");
  it.each(withD1.flatMap((w) => ENVS.map((env) => [w.name, env, w.config] as const)))(
    "%s --env %s",
    (name, env, config) => {
      const top = unstable_getMiniflareWorkerOptions(config).workerOptions as Record<string, unknown>;
      const scoped = unstable_getMiniflareWorkerOptions(config, env).workerOptions as Record<string, unknown>;
      expect(unstable_readConfig({ config, env }).name).toBe(name);
      const { d1Databases: topD1, ...topRest } = top;
      const { d1Databases: envD1, ...envRest } = scoped;
      expect(envRest).toEqual(topRest);
      expect(Object.keys(envD1 as object)).toEqual(Object.keys(topD1 as object));
      const d1 = (
        unstable_readConfig({ config, env }) as unknown as {
          d1_databases: Array<{ database_name: string; database_id?: string; migrations_dir?: string }>;
        }
      ).d1_databases;
      expect(d1.map((d) => d.database_name)).toEqual([`siloos-${env}`]);
      expect(d1[0]!.database_id).toBeUndefined();
    },
  );

  it.each(workers.filter((w) => w.kind === "agent").map((w) => [w.name, w.config]))(
    "%s declares no environment",
    async (_name, config) => {
      expect(await readFile(config, "utf8")).not.toMatch(/^\[env\./m);
    },
  );
});
