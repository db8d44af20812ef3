/**
 * When a run ends, its vault hands the rows waiting in its journal
 * (keys.revoked last) to the router instead of shipping them itself
 * (Vault.endRun), and the router's D1 batch about the run writes them first,
 * then its own rows (src/router/dispatch/run-journal.ts). These tests hold
 * what that must keep: the log's order is the run's rows, then the router's;
 * a batch that fails writes nothing and the task does not complete; the vault
 * forgets the rows only once told they are in D1; and if the router never
 * writes them (its batch fails, it dies), the vault's wipe, its alarm or the
 * restarted run still bring them, each once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runShard } from "../src/router/run/index.ts";
import { generateSecrets } from "../tools/local/secrets.ts";
import { type System, startSystem } from "../tools/local/system.ts";
import { eventually } from "./support/eventually.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

// No shipping alarm within a test: only the router's batch, a wipe, a read or a restarted run brings rows.
const HOLD = { SILOOS_AUDIT_SHIP_MS: "600000" };
// The puppet agent's run makes one call (its row journaled like the rest).
const JOURNALED = ["vault.created", "key.minted", "task.dispatched", "proxy.call", "keys.revoked"];
// The router's batch about a completed run fails (its task update aborts the transaction).
const FAIL_SETTLE =
  "CREATE TRIGGER test_settle_fails BEFORE UPDATE ON tasks WHEN NEW.outcome = 'completed' BEGIN SELECT RAISE(ABORT, 'test: the router batch fails'); END";
const HEAL = "DROP TRIGGER IF EXISTS test_settle_fails";

interface Row {
  event: string;
  vault_seq: number | null;
}

/** The task's rows as D1 holds them, read from D1 itself (no shipping on the way). */
async function d1Rows(db: D1Database, taskId: string): Promise<Row[]> {
  const rows = await db
    .prepare("SELECT event, vault_seq FROM audit_log WHERE task_id = ? ORDER BY seq")
    .bind(taskId)
    .all<Row>();
  return rows.results;
}
const events = (rows: Row[]) => rows.map((r) => r.event);

/** Every journaled row once: no journal number twice. */
function once(rows: Row[]): void {
  const seqs = rows.map((r) => r.vault_seq).filter((n) => n !== null);
  expect(new Set(seqs).size).toBe(seqs.length);
}

async function outcome(db: D1Database, taskId: string): Promise<string | null | undefined> {
  return (await db.prepare("SELECT outcome FROM tasks WHERE id = ?").bind(taskId).first<{ outcome: string | null }>())
    ?.outcome;
}

type RunStub = { status(): Promise<{ phase: string; lastError?: string } | null> };
/** The task's run, in its TaskRun shard (src/router/run/). */
async function runOf(sys: System, taskId: string): Promise<RunStub> {
  const ns = await sys.mf.getDurableObjectNamespace("TASK_RUN", "siloos-router");
  const shard = ns.get(ns.idFromName(runShard(taskId))) as unknown as {
    status(taskId: string): ReturnType<RunStub["status"]>;
  };
  return { status: () => shard.status(taskId) };
}
async function vaultOf(sys: System, taskId: string): Promise<{ journalSize(): Promise<number> }> {
  const ns = await sys.mf.getDurableObjectNamespace("VAULT", "siloos-proxy");
  return ns.get(ns.idFromName(taskId)) as unknown as { journalSize(): Promise<number> };
}

describe("the run's rows ride in the router's batch", () => {
  const t = useSystem({ proxyVars: HOLD });
  const startAsync = async () => {
    const res = await t.api("/v1/tasks?async=1", {
      body: { agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" },
    });
    expect(res.status).toBe(202);
    return res.body.taskId as string;
  };
  /** Started with the router's batch failing: parked once it was refused, the run's rows still in the vault only. */
  const startRefused = async (db: D1Database) => {
    await db.prepare(FAIL_SETTLE).run();
    const id = await startAsync();
    const run = await runOf(t.sys, id);
    await eventually(async () => (await run.status())?.lastError === "audit_unavailable", 30_000, "settle refused");
    return { id, run };
  };

  it("in D1 before the router's rows, written by its one batch, each once; then the vault forgets them", async () => {
    const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    expect(task).toMatchObject({ outcome: "completed" });
    const db = await t.sys.db();
    const rows = await d1Rows(db, task.taskId);
    // Nothing else shipped them (the alarm is held, nobody read the log): the router's batch did, before its row.
    expect(events(rows)).toEqual(["task.created", ...JOURNALED, "task.run_finished"]);
    expect(rows.filter((r) => JOURNALED.includes(r.event)).every((r) => r.vault_seq !== null)).toBe(true);
    once(rows);
    // The router told the vault (after its answer): nothing is left to ship.
    const vault = await vaultOf(t.sys, task.taskId);
    await eventually(async () => (await vault.journalSize()) === 0, 10_000, "the vault told");
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });

  it("the router's batch fails: none of it is in D1, the task does not complete, the vault keeps the rows; D1 back, they land once, in order", async () => {
    const db = await t.sys.db();
    let id: string;
    try {
      const started = await startRefused(db);
      id = started.id;
      expect((await started.run.status())?.phase).toBe("settle");
      expect(events(await d1Rows(db, id))).toEqual(["task.created"]);
      expect(await outcome(db, id)).toBeNull();
      expect(await (await vaultOf(t.sys, id)).journalSize()).toBe(JOURNALED.length);
    } finally {
      await db.prepare(HEAL).run();
    }
    // The parked settle retries with the rows it was handed.
    await eventually(async () => (await outcome(db, id)) === "completed", 30_000, "the run settled");
    const rows = await d1Rows(db, id);
    expect(events(rows)).toEqual(["task.created", ...JOURNALED, "task.run_finished"]);
    once(rows);
    await eventually(async () => (await (await vaultOf(t.sys, id)).journalSize()) === 0, 10_000, "the vault told");
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });

  it("the router never writes them: the wipe ships them before vault.deleted, and the parked run writes nothing after", async () => {
    const db = await t.sys.db();
    let id: string;
    let run: RunStub;
    try {
      ({ id, run } = await startRefused(db));
      expect((await t.api(`/v1/tasks/${id}/complete`, { method: "POST" })).status).toBe(200);
    } finally {
      await db.prepare(HEAL).run();
    }
    expect(await (await vaultOf(t.sys, id)).journalSize()).toBe(0);
    // The parked run wakes to a completed task: done, with no row of its own.
    await eventually(async () => (await run.status())?.phase === "done", 30_000, "the run ended");
    const rows = await d1Rows(db, id);
    expect(events(rows)).toEqual(["task.created", ...JOURNALED, "vault.deleted", "task.completed"]);
    once(rows);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });
});

describe("the run's rows, with the vault's shipping alarm on", () => {
  const t = useSystem({ proxyVars: { SILOOS_AUDIT_SHIP_MS: "200" } });

  it("the router's batch fails: the alarm brings the rows to D1; the retried batch skips them and adds its own after", async () => {
    const db = await t.sys.db();
    let id: string;
    try {
      await db.prepare(FAIL_SETTLE).run();
      const res = await t.api("/v1/tasks?async=1", {
        body: { agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" },
      });
      id = res.body.taskId as string;
      const run = await runOf(t.sys, id);
      await eventually(async () => (await run.status())?.lastError === "audit_unavailable", 30_000, "settle refused");
      await eventually(
        async () => events(await d1Rows(db, id)).includes("keys.revoked"),
        10_000,
        "the alarm shipped the run's rows",
      );
      expect(events(await d1Rows(db, id))).toEqual(["task.created", ...JOURNALED]);
      expect(await outcome(db, id)).toBeNull();
    } finally {
      await db.prepare(HEAL).run();
    }
    await eventually(async () => (await outcome(db, id)) === "completed", 30_000, "the run settled");
    const rows = await d1Rows(db, id);
    expect(events(rows)).toEqual(["task.created", ...JOURNALED, "task.run_finished"]);
    once(rows);
    expect((await t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY })).body).toMatchObject({ ok: true });
  });
});

describe("the router dies between the run's end and its batch", () => {
  it("after a restart the resumed run has the vault ship first: the run's rows still precede the router's, once each", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-run-rows-"));
    const secrets = await generateSecrets();
    const start = () => startSystem({ secrets, persistTo: dir, extraAgents: [HOSTILE, PUPPET], proxyVars: HOLD });
    try {
      const first = await start();
      let id: string;
      try {
        await (await first.db()).prepare(FAIL_SETTLE).run();
        const res = await first.mf.dispatchFetch(new URL("/v1/tasks?async=1", first.url).href, {
          method: "POST",
          headers: { authorization: `Bearer ${secrets.SILOOS_API_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" }),
        });
        id = ((await res.json()) as { taskId: string }).taskId;
        const run = await runOf(first, id);
        await eventually(async () => (await run.status())?.lastError === "audit_unavailable", 30_000, "settle refused");
        expect(events(await d1Rows(await first.db(), id))).toEqual(["task.created"]);
      } finally {
        // The crash: the rows the run's end handed over lived in the router's memory and the vault's journal.
        await first.dispose();
      }
      const second = await start();
      try {
        const db = await second.db();
        await db.prepare(HEAL).run();
        await eventually(async () => (await outcome(db, id)) === "completed", 60_000, "the resumed run settled");
        const rows = await d1Rows(db, id);
        expect(events(rows)).toEqual(["task.created", ...JOURNALED, "task.run_finished"]);
        once(rows);
        expect(await (await vaultOf(second, id)).journalSize()).toBe(0);
        const verify = await second.mf.dispatchFetch(new URL("/v1/audit/verify", second.url).href, {
          headers: { authorization: `Bearer ${secrets.SILOOS_ADMIN_KEY}` },
        });
        expect(await verify.json()).toMatchObject({ ok: true });
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
