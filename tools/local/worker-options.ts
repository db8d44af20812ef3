/**
 * A Worker's Miniflare options, read from its wrangler config by wrangler
 * itself (unstable_getMiniflareWorkerOptions): name, main, compatibility date
 * and flags, vars, D1, Durable Objects (SQLite-backed as the migrations say),
 * service bindings, assets, crons. The local system adds only local-only parts
 * on top (secrets, the egress guard as outbound service, test instruments).
 */
import { dirname, resolve } from "node:path";
import type { V4WorkerOptions as WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

export type { WorkerOptions };

export interface ConfiguredWorker {
  name: string;
  /** The entry module (the config's `main`, absolute). */
  main: string;
  /** What the config gives the Worker, without a script. */
  options: WorkerOptions;
  /** The config's D1 migrations folder (absolute), for the binding that has one. */
  migrationsDir?: string;
}

export function readWorkerConfig(configPath: string): ConfiguredWorker {
  const config = unstable_readConfig({ config: configPath });
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(configPath);
  // The local bundle is one ES module with absolute paths: wrangler's module
  // rules and root path do not apply to it.
  const { rootPath: _root, modulesRules: _rules, ...options } = workerOptions;
  if (!main) throw new Error(`${configPath}: no main`);
  const withMigrations = config.d1_databases.find((d: { migrations_dir?: string }) => d.migrations_dir);
  return {
    name: config.name ?? "",
    main,
    // The config's vars only: wrangler also folds in .dev.vars files found
    // beside the config, which belong to `wrangler dev`, not to tests.
    options: {
      ...options,
      name: config.name,
      bindings: { ...(config.vars as Record<string, string>) },
    } as WorkerOptions,
    ...(withMigrations?.migrations_dir
      ? { migrationsDir: resolve(dirname(configPath), withMigrations.migrations_dir) }
      : {}),
  };
}
