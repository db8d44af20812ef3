/**
 * Each proxy call's audit row is written first in the task's Vault (its
 * SQLite journal, durable before the call answers) and shipped to D1 later
 * (src/vault/journal.ts). These tests hold the promise that no row is lost
 * on the way: not by a wipe, not by a crash between the write and the ship,
 * and that a reader of the audit log sees the rows of running tasks.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../tools/local/secrets.ts";
import { type System, startSystem } from "../tools/local/system.ts";
import { eventually } from "./support/eventually.ts";
import { drive, FAULTY, HOSTILE, PUPPET, useSystem } from "./support/system.ts";

// Rows wait in the journal (no alarm within a test): only a wipe or a read ships them.
const HOLD = { SILOOS_AUDIT_SHIP_MS: "600000" };

/** The proxy-call rows D1 holds for a task, read from D1 itself (no shipping on the way). */
async function d1Calls(db: D1Database, taskId: string): Promise<string[]> {
  const rows = await db
    .prepare("SELECT op, decision FROM audit_log WHERE task_id = ? AND event = 'proxy.call' ORDER BY seq")
    .bind(taskId)
    .all<{ op: string; decision: string }>();
  return rows.results.map((r) => `${r.op} ${r.decision}`);
}

describe("the audit journal in the vault", () => {
  const t = useSystem({ proxyVars: HOLD });

  it("a call's row is in the vault before the call answers, and GET /v1/audit shows it while the task runs", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    const db = await t.sys.db();
    const before = await d1Calls(db, task.taskId);
    expect(await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1002" } })).toMatchObject({
      ok: true,
    });
    expect(await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_9999" } })).toMatchObject({
      ok: false,
      error: "scope_denied",
    });
    const vault = await t.vault(task.taskId);
    expect(await vault.journalSize()).toBe(2);
    expect(await d1Calls(db, task.taskId)).toEqual(before);
    // The reader is shown both rows, shipped to D1 and sealed into the chain first.
    const rows = (await t.audit(task.taskId))
      .filter((e) => e.event === "proxy.call")
      .map((e) => `${e.op} ${e.decision}`);
    expect(rows.slice(-2)).toEqual(["customer.read allowed", "customer.read refused"]);
    expect(await vault.journalSize()).toBe(0);
    expect(await d1Calls(db, task.taskId)).toEqual(rows);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });

  it("a wipe never drops unshipped rows: with D1's audit log down the task does not complete, and nothing is lost", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    expect(await t.puppet({ attack: "replay", op: "whoami" })).toMatchObject({ ok: true });
    const vault = await t.vault(task.taskId);
    expect(await vault.journalSize()).toBe(1);
    const db = await t.sys.db();
    await db.prepare("ALTER TABLE audit_log RENAME TO audit_log_offline").run();
    try {
      const res = await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" });
      expect(res.status).toBe(503);
      expect(await vault.stats()).toMatchObject({ open: true });
      expect(await vault.journalSize()).toBe(1);
    } finally {
      await db.prepare("ALTER TABLE audit_log_offline RENAME TO audit_log").run();
    }
    expect((await t.api(`/v1/tasks/${task.taskId}/complete`, { method: "POST" })).status).toBe(200);
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    expect(await vault.journalSize()).toBe(0);
    const events = (await t.audit(task.taskId)).map((e) => (e.op ? `${e.event} ${e.op}` : e.event));
    // Shipped before the wipe: the call's row precedes vault.deleted.
    expect(events.indexOf("proxy.call whoami")).toBeGreaterThan(-1);
    expect(events.indexOf("proxy.call whoami")).toBeLessThan(events.indexOf("vault.deleted"));
  });
});

describe("a crash between the journal write and the ship", () => {
  it("loses no row: after a restart of the runtime the rows reach D1, once each, in order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-journal-"));
    const secrets = await generateSecrets();
    const start = () => startSystem({ secrets, persistTo: dir, extraAgents: [HOSTILE, PUPPET], proxyVars: HOLD });
    const api = (sys: System, path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
      sys.mf.dispatchFetch(new URL(path, sys.url).href, {
        method: init.method ?? (init.body ? "POST" : "GET"),
        headers: { authorization: `Bearer ${init.key ?? secrets.SILOOS_API_KEY}`, "content-type": "application/json" },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      } as never);
    try {
      const first = await start();
      let taskId: string;
      let shipped: string[];
      try {
        const created = (await (
          await api(first, "/v1/tasks", {
            body: { agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" },
          })
        ).json()) as { taskId: string };
        taskId = created.taskId;
        // The run's own calls reached D1 when the run ended.
        shipped = await d1Calls(await first.db(), taskId);
        for (const op of ["whoami", "transcript.read"]) {
          expect(await drive(first, secrets, "puppet-agent", { attack: "replay", op })).toMatchObject({ ok: true });
        }
        expect(await d1Calls(await first.db(), taskId)).toEqual(shipped);
      } finally {
        // The crash: the runtime goes away with the rows written in the vault, none in D1.
        await first.dispose();
      }
      const second = await start();
      try {
        expect(await d1Calls(await second.db(), taskId)).toEqual(shipped);
        const ns = await second.mf.getDurableObjectNamespace("VAULT", "siloos-proxy");
        const vault = ns.get(ns.idFromName(taskId)) as unknown as { journalSize(): Promise<number> };
        expect(await vault.journalSize()).toBe(2);
        expect((await api(second, `/v1/tasks/${taskId}/complete`, { method: "POST" })).status).toBe(200);
        expect(await d1Calls(await second.db(), taskId)).toEqual([
          ...shipped,
          "whoami allowed",
          "transcript.read allowed",
        ]);
        const verify = await api(second, "/v1/audit/verify", { key: secrets.SILOOS_ADMIN_KEY });
        expect(await verify.json()).toMatchObject({ ok: true });
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The router's own rows about a task (vault.created, key.minted,
 * task.dispatched) ride on the vault RPCs that open the vault and hand it to
 * an agent (src/vault/router-rows.ts): journaled, not in D1, while the run
 * goes on. A wipe and a crash must lose none of them.
 */
describe("the lifecycle's rows in the journal", () => {
  const LIFECYCLE = ["task.created", "vault.created", "key.minted", "task.dispatched"];
  const lifecycle = (events: string[]) => events.filter((e) => LIFECYCLE.includes(e));
  const d1Events = async (db: D1Database, taskId: string) =>
    (
      await db
        .prepare("SELECT event FROM audit_log WHERE task_id = ? ORDER BY seq")
        .bind(taskId)
        .all<{ event: string }>()
    ).results.map((r) => r.event);
  // A hop that never answers (within the test) holds its rows in the journal: no run end ships them.
  const t = useSystem({
    extraAgents: [FAULTY],
    proxyVars: HOLD,
    routerVars: { SILOOS_AGENT_TIMEOUT_SECONDS: "60" },
  });

  it("a wipe ships them first: with D1's audit log down the task does not complete; back up, every row is in the log before vault.deleted", async () => {
    const res = await t.api("/v1/tasks?async=1", {
      body: { agent: "faulty-agent", subject: { customerId: "cus_1002" }, message: "hang" },
    });
    expect(res.status).toBe(202);
    const id = res.body.taskId as string;
    const vault = await t.vault(id);
    await eventually(async () => (await vault.journalSize()) >= 3, 30_000, "the hop's rows journaled");
    const db = await t.sys.db();
    expect(lifecycle(await d1Events(db, id))).toEqual(["task.created"]);
    await db.prepare("ALTER TABLE audit_log RENAME TO audit_log_offline").run();
    try {
      const down = await t.api(`/v1/tasks/${id}/complete`, { method: "POST" });
      expect(down.status).toBe(503);
      expect(await vault.stats()).toMatchObject({ open: true });
      expect(await vault.journalSize()).toBeGreaterThanOrEqual(3);
    } finally {
      await db.prepare("ALTER TABLE audit_log_offline RENAME TO audit_log").run();
    }
    expect((await t.api(`/v1/tasks/${id}/complete`, { method: "POST" })).status).toBe(200);
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    const events = await d1Events(db, id);
    expect(lifecycle(events)).toEqual(LIFECYCLE);
    expect(events.indexOf("task.dispatched")).toBeLessThan(events.indexOf("vault.deleted"));
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });

  it("a crash between the journal write and the ship loses none: after a restart they reach D1 once, in order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-lifecycle-"));
    const secrets = await generateSecrets();
    const start = () =>
      startSystem({
        secrets,
        persistTo: dir,
        extraAgents: [FAULTY],
        proxyVars: HOLD,
        routerVars: { SILOOS_AGENT_TIMEOUT_SECONDS: "600" },
      });
    const api = (sys: System, path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
      sys.mf.dispatchFetch(new URL(path, sys.url).href, {
        method: init.method ?? (init.body ? "POST" : "GET"),
        headers: { authorization: `Bearer ${init.key ?? secrets.SILOOS_API_KEY}`, "content-type": "application/json" },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      } as never);
    const vaultOf = async (sys: System, id: string) => {
      const ns = await sys.mf.getDurableObjectNamespace("VAULT", "siloos-proxy");
      return ns.get(ns.idFromName(id)) as unknown as { journalSize(): Promise<number> };
    };
    try {
      const first = await start();
      let id: string;
      try {
        const res = await api(first, "/v1/tasks?async=1", {
          body: { agent: "faulty-agent", subject: { customerId: "cus_1002" }, message: "hang" },
        });
        expect(res.status).toBe(202);
        id = ((await res.json()) as { taskId: string }).taskId;
        const vault = await vaultOf(first, id);
        await eventually(async () => (await vault.journalSize()) >= 3, 30_000, "the hop's rows journaled");
        expect(lifecycle(await d1Events(await first.db(), id))).toEqual(["task.created"]);
      } finally {
        // The crash: the rows are written in the vault, none of them in D1.
        await first.dispose();
      }
      const second = await start();
      try {
        expect(lifecycle(await d1Events(await second.db(), id))).toEqual(["task.created"]);
        expect(await (await vaultOf(second, id)).journalSize()).toBeGreaterThanOrEqual(3);
        // A reader of the log brings them in (the resumed run may dispatch again: its own rows follow).
        const read = await api(second, `/v1/audit?taskId=${id}&limit=1000`, { key: secrets.SILOOS_ADMIN_KEY });
        expect(read.status).toBe(200);
        const events = lifecycle(await d1Events(await second.db(), id));
        expect(events.slice(0, 4)).toEqual(LIFECYCLE);
        expect(events.filter((e) => e === "vault.created" || e === "task.created")).toHaveLength(2);
        const verify = await api(second, "/v1/audit/verify", { key: secrets.SILOOS_ADMIN_KEY });
        expect(await verify.json()).toMatchObject({ ok: true });
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
