import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../tools/local/secrets.ts";
import { startSystem } from "../tools/local/system.ts";

describe("the human queue is persisted", () => {
  it("a queued task, its vault and its audit trail survive a restart of every Worker", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-restart-"));
    const secrets = await generateSecrets();
    const auth = { authorization: `Bearer ${secrets.SILOOS_ADMIN_KEY}`, "content-type": "application/json" };
    try {
      const first = await startSystem({ secrets, persistTo: dir });
      const call = (path: string, init: RequestInit = {}) =>
        first.mf.dispatchFetch(new URL(path, first.url).href, init as never);
      await call("/v1/agents/refund-agent/status", {
        method: "PUT",
        headers: auth,
        body: JSON.stringify({ status: "offline" }),
      });
      const created = await call("/v1/tasks", {
        method: "POST",
        headers: { authorization: `Bearer ${secrets.SILOOS_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          intent: "refund",
          subject: { customerId: "cus_1002" },
          message: "Please refund ord_5003, I am Kwame Mensah",
        }),
      });
      const task = (await created.json()) as { taskId: string; status: string };
      expect(task.status).toBe("queued_human");
      await first.dispose();

      const second = await startSystem({ secrets, persistTo: dir });
      try {
        const login = await second.mf.dispatchFetch(new URL("/console/api/login", second.url).href, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: "alice", password: "alice-demo-password" }),
        });
        const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
        const queue = (await (
          await second.mf.dispatchFetch(new URL("/console/api/queue", second.url).href, { headers: { cookie } })
        ).json()) as { tasks: Array<{ taskId: string }> };
        expect(queue.tasks.map((t) => t.taskId)).toContain(task.taskId);
        const take = await second.mf.dispatchFetch(new URL(`/console/api/tasks/${task.taskId}/take`, second.url).href, {
          method: "POST",
          headers: { cookie, "x-siloos-console": "1", "content-type": "application/json" },
          body: "{}",
        });
        expect(take.status).toBe(200);
        const view = (await (
          await second.mf.dispatchFetch(new URL(`/console/api/tasks/${task.taskId}`, second.url).href, {
            headers: { cookie },
          })
        ).json()) as { transcript: Array<{ text: string }> };
        expect(view.transcript[0]?.text).toBe("Please refund ord_5003, I am [NAME_1]");
        const audit = (await (
          await second.mf.dispatchFetch(new URL(`/v1/audit?taskId=${task.taskId}`, second.url).href, { headers: auth })
        ).json()) as { entries: Array<{ event: string }> };
        expect(audit.entries.map((e) => e.event)).toEqual(
          expect.arrayContaining(["task.created", "vault.created", "task.queued_human", "key.minted", "task.assigned"]),
        );
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
