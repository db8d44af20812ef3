import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDevVars } from "../tools/local/secrets.ts";
import { ROOT } from "../tools/local/system.ts";

/**
 * `npm run dev -- --reset` on a fresh state: whoever waits for /healthz and
 * then posts the README's first task must get a completed task, not a 404
 * from an unseeded CRM or a 503 from a half-migrated D1.
 */
const dir = await mkdtemp(join(tmpdir(), "siloos-ready-"));
let dev: ChildProcess | undefined;

afterAll(async () => {
  if (dev?.pid) {
    const exited = new Promise((r) => dev!.once("exit", r));
    dev.kill("SIGTERM");
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

/** Two free loopback ports in a row (the router's and the demo shop's). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const next = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once("error", () => resolve(false))
        .listen(port + 1, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (next && port < 65000) return port;
  }
}

describe("ready means ready", () => {
  it("the first task posted the moment /healthz turns 200 after --reset completes", async () => {
    const port = await freePortPair();
    const env = {
      ...process.env,
      PORT: String(port),
      SILOOS_STATE_DIR: join(dir, "state"),
      SILOOS_DEV_VARS: join(dir, ".dev.vars"),
    };
    dev = spawn(process.execPath, [join(ROOT, "scripts/dev.ts"), "--reset"], { cwd: ROOT, env, stdio: "ignore" });
    const base = `http://127.0.0.1:${port}`;
    // Poll as fast as the router answers: a 200 that comes too early is what this test is for.
    let health = 0;
    for (let i = 0; i < 6000 && health !== 200; i++) {
      health = await fetch(`${base}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (health !== 200) await new Promise((r) => setTimeout(r, 10));
    }
    expect(health).toBe(200);
    const { SILOOS_API_KEY } = parseDevVars(await readFile(join(dir, ".dev.vars"), "utf8"));
    const res = await fetch(`${base}/v1/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${SILOOS_API_KEY}`, "content-type": "application/json" },
      // The README's 700-refund story.
      body: JSON.stringify({
        intent: "refund",
        subject: { customerId: "cus_1001", caseId: "cas_2001" },
        message: "My desk arrived cracked. Please refund the 700 USD for ord_5001.",
      }),
    });
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 201,
      body: { status: "open", outcome: "completed", hops: ["agent:refund-agent", "agent:manager-agent"] },
    });
  }, 120_000);
});
