import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../tools/local/system.ts";

/** `npm run deploy` without the network: the plan, one agent alone, and refusals. */
function deploy(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts/deploy.ts"), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    child.once("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

describe("npm run deploy", () => {
  it("--dry-run --agent NAME builds that agent alone: no migrations, no other Worker", async () => {
    const { code, out } = await deploy("--dry-run", "--agent", "refund-agent", "--env", "production");
    expect(code).toBe(0);
    const plan = out.split("\n").filter((l) => l.includes("plan:"));
    expect(plan).toEqual([
      expect.stringMatching(
        /^ {2}plan: wrangler deploy -c agents\/refund-agent\/wrangler\.toml {3}\(agent, [\d.]+ KiB raw, [\d.]+ KiB gzip\)$/,
      ),
    ]);
  }, 60_000);

  it("refuses an unknown agent, an unknown environment, and a real deploy with no environment", async () => {
    expect(await deploy("--dry-run", "--agent", "no-such-agent")).toMatchObject({
      code: 1,
      out: expect.stringContaining("no agent named no-such-agent"),
    });
    expect(await deploy("--dry-run", "--env", "prod")).toMatchObject({
      code: 1,
      out: expect.stringContaining("--env must be staging or production"),
    });
    expect(await deploy()).toMatchObject({ code: 1, out: expect.stringContaining("say where") });
  }, 60_000);
});
