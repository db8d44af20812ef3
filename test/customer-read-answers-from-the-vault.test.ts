/**
 * The proxy reads the subject customer's record to open a task, and the vault
 * keeps that record (src/vault/snapshots.ts): customer.read answers from it,
 * tokenized in the same vault RPC as before, while it is younger than
 * SILOOS_RECORD_SNAPSHOT_SECONDS, with no D1 read (issue 15). Older, or
 * missing, the op reads the CRM as before. Scope is checked first, the
 * answer and its audit row are the same, and the wipe takes the snapshot.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { PII_FIELDS } from "../src/proxy/connectors/types.ts";
import { cell } from "./support/cell.ts";
import { attack } from "./support/redteam.ts";
import { type Harness, HOSTILE, PUPPET, useSystem } from "./support/system.ts";

const CUSTOMER = "cus_1006";
const TOKENIZED = {
  id: CUSTOMER,
  name: "[NAME_1]",
  email: "[EMAIL_1]",
  phone: "[PHONE_1]",
  address: "[ADDRESS_1]",
  tier: "gold",
};
/** customer.read's allowed row, whichever source answered. */
const ROW = {
  actor: "agent:puppet-agent",
  event: "proxy.call",
  op: "customer.read",
  decision: "allowed",
  reason: null,
  detail: { customerId: CUSTOMER, keys: { base: expect.any(String), task: expect.any(String) } },
};

/** A change to the CRM's row after the task opened (the tier: not PII, so the agent sees it as it is). */
async function setTier(t: Harness, tier: string): Promise<void> {
  await (await t.sys.db()).prepare("UPDATE customers SET tier = ? WHERE id = ?").bind(tier, CUSTOMER).run();
}

/** The call's audit row, without what differs between tasks. */
async function readRow(t: Harness, taskId: string) {
  const row = (await t.audit(taskId)).filter((r) => r.op === "customer.read").at(-1);
  const { seq: _seq, taskId: _task, at: _at, ...rest } = row as typeof row & { at: number };
  return rest;
}

/** Open a task for CUSTOMER, read it; the answer, its row, the vault's token count. */
async function openAndRead(t: Harness, change?: { tier: string; waitMs?: number }) {
  const c = cell(t);
  const taskId = await c.task(CUSTOMER, "Hello, this is Fatima Haddad");
  if (change) await setTier(t, change.tier);
  if (change?.waitMs) await new Promise((r) => setTimeout(r, change.waitMs));
  const res = await c.call("customer.read", { customerId: CUSTOMER });
  const vault = await t.vault(taskId);
  return { taskId, res, row: await readRow(t, taskId), tokens: (await vault.stats()).tokens as number };
}

describe("within the bound (default 60 s): the vault's record answers", () => {
  const t = useSystem({ extraAgents: [HOSTILE, PUPPET] });

  it("answers the tokenized record from the snapshot: a CRM change after the open is not seen (no D1 read)", async () => {
    const read = await openAndRead(t, { tier: "platinum" });
    await setTier(t, "gold");
    expect(read.res).toEqual({ ok: true, result: TOKENIZED });
    expect(read.row).toEqual(ROW);
    expect(read.tokens).toBe(4);
    // The tokens are the vault's: they hydrate to the record's values.
    const vault = await t.vault(read.taskId);
    expect((await vault.hydrate("[NAME_1] [EMAIL_1]")).text).toBe("Fatima Haddad fatima.haddad@example.fr");
    // No raw value of the record in the audit log.
    const rows = JSON.stringify(await t.audit(read.taskId));
    for (const raw of ["Fatima", "Haddad", "fatima.haddad@example.fr", "+33 1 55 55 01 99", "Rue de Rivoli"])
      expect(rows).not.toContain(raw);
  });

  attack(
    {
      surface: "cell",
      class: "scope",
      tries: "read another customer while the vault holds its own customer's record",
      evidence: "scope_denied before the vault is asked, refused audit row, no record",
    },
    async () => {
      const c = cell(t);
      const taskId = await c.task(CUSTOMER, "hello");
      const res = await c.call("customer.read", { customerId: "cus_1001" });
      expect(res).toMatchObject({ ok: false, error: "scope_denied" });
      expect(JSON.stringify(res)).not.toMatch(/Maria|Fatima|example\.(com|fr)/);
      await c.expectRefused(taskId, "customer.read", "scope_denied");
      // The vault was never asked: nothing was tokenized for the refused call.
      expect((await (await t.vault(taskId)).stats()).tokens).toBe(0);
    },
  );

  it("a vault without a snapshot (opened before vaults kept one) reads the CRM, same answer", async () => {
    const taskId = "tsk_snapshotlessvaultreadsthecrm1";
    const keys = await t.mintPair({ principal: "agent:hostile-agent", taskId, customer: CUSTOMER });
    const jtis = [keys.baseKey, keys.taskKey].map((k) => decodeJwt(k).jti as string);
    const vault = await t.vault(taskId);
    await vault.open({
      taskId,
      principal: "agent:hostile-agent",
      jtis,
      scope: { customer: CUSTOMER },
      expiresAt: Date.now() + 60_000,
      known: [],
    });
    expect(await vault.tokenizeSnapshot("customer", CUSTOMER, 60_000, PII_FIELDS.customer)).toBeNull();
    await setTier(t, "platinum");
    const res = await t.hostile({ attack: "call", op: "customer.read", args: { customerId: CUSTOMER }, ...keys });
    await setTier(t, "gold");
    expect(res).toEqual({ ok: true, result: { ...TOKENIZED, tier: "platinum" } });
    expect(await vault.journalSize()).toBe(1);
    await vault.close();
  });

  it("the vault's wipe takes the snapshot with everything else", async () => {
    const c = cell(t);
    const taskId = await c.task(CUSTOMER, "hello");
    const vault = await t.vault(taskId);
    // Asked directly (the proxy only asks after its scope check): the snapshot is there, tokenized on the way out.
    expect(await vault.tokenizeSnapshot("customer", CUSTOMER, 60_000, PII_FIELDS.customer)).toEqual(TOKENIZED);
    expect(await vault.tokenizeSnapshot("customer", "cus_1001", 60_000, PII_FIELDS.customer)).toBeNull();
    expect((await t.api(`/v1/tasks/${taskId}/complete`, { method: "POST" })).status).toBe(200);
    expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
    await expect(vault.tokenizeSnapshot("customer", CUSTOMER, 60_000, PII_FIELDS.customer)).rejects.toThrow();
    expect(await c.call("customer.read", { customerId: CUSTOMER })).toMatchObject({ ok: false, error: "task_closed" });
  });
});

describe("past the bound (1 s here): the CRM answers, as before", () => {
  const t = useSystem({ extraAgents: [HOSTILE, PUPPET], proxyVars: { SILOOS_RECORD_SNAPSHOT_SECONDS: "1" } });

  it("sees the CRM's change once the snapshot is older than the bound, with the same tokens and row", async () => {
    const fromCrm = await openAndRead(t, { tier: "platinum", waitMs: 1100 });
    await setTier(t, "gold");
    expect(fromCrm.res).toEqual({ ok: true, result: { ...TOKENIZED, tier: "platinum" } });
    // The same answer but for the change, the same row, the same tokens in the vault as from the snapshot.
    expect(fromCrm.row).toEqual(ROW);
    expect(fromCrm.tokens).toBe(4);
  });

  it("a stale snapshot never answers, even asked directly", async () => {
    const taskId = await cell(t).task(CUSTOMER, "hello");
    const vault = await t.vault(taskId);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await vault.tokenizeSnapshot("customer", CUSTOMER, 1000, PII_FIELDS.customer)).toBeNull();
    expect(await vault.tokenizeSnapshot("customer", CUSTOMER, 0, PII_FIELDS.customer)).toBeNull();
  });
});
