/**
 * Runs the project's own wrangler (node_modules) with the Node running this
 * script, and reads a dry run's bundle size from what wrangler prints.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ROOT } from "../../tools/local/system.ts";
import type { WorkerConfig } from "../../tools/local/workers.ts";

// The exports map hides bin/: find the package by its package.json.
export const wranglerBin = join(
  dirname(createRequire(join(ROOT, "package.json")).resolve("wrangler/package.json")),
  "bin/wrangler.js",
);
const ENV = { ...process.env, WRANGLER_SEND_METRICS: "false" };

export interface Built {
  rawKiB: number;
  gzipKiB: number;
  outdir: string;
}

export const wrangler = {
  /** `wrangler …` with its output shown; throws on a non-zero exit. */
  async run(args: string[]): Promise<void> {
    console.log(`$ wrangler ${args.join(" ")}`);
    const { code } = await exec(args, "inherit");
    if (code !== 0) throw new Error(`wrangler ${args[0]} exited with ${code}`);
  },

  /** `wrangler deploy --dry-run` into .wrangler/dry-run/<name>; the sizes wrangler reports. */
  async build(w: WorkerConfig, envArgs: string[]): Promise<Built> {
    const outdir = join(ROOT, ".wrangler/dry-run", w.name);
    const { code, output } = await exec(
      ["deploy", "--dry-run", "-c", w.config, "--outdir", outdir, ...envArgs],
      "pipe",
    );
    if (code !== 0) throw new Error(`wrangler deploy --dry-run -c ${w.config} failed:\n${output}`);
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
    if (!m) throw new Error(`no size in wrangler's output for ${w.name}:\n${output}`);
    return { rawKiB: Number(m[1]), gzipKiB: Number(m[2]), outdir };
  },
};

function exec(args: string[], stdio: "inherit" | "pipe"): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd: ROOT,
      env: ENV,
      stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
