import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("the audit log is append-only", () => {
  it("refuses UPDATE and DELETE at the database level, whoever asks", async () => {
    await t.createTask({ agent: "refund-agent", subject: { customerId: "cus_1006" }, message: "refund ord_5007" });
    const db = await t.sys.db();
    const before = await db
      .prepare("SELECT COUNT(*) AS n, MAX(seq) AS top FROM audit_log")
      .first<{ n: number; top: number }>();
    expect(before?.n).toBeGreaterThan(5);
    await expect(
      db.prepare("UPDATE audit_log SET decision = 'allowed' WHERE decision = 'refused' OR 1").run(),
    ).rejects.toThrow(/append-only/);
    await expect(db.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
    const after = await db
      .prepare("SELECT COUNT(*) AS n, MAX(seq) AS top FROM audit_log")
      .first<{ n: number; top: number }>();
    expect(after).toEqual(before);
  });

  it("holds key ids, never the keys themselves, and no raw customer value", async () => {
    const task = await t.createTask({
      agent: "refund-agent",
      subject: { customerId: "cus_1001", caseId: "cas_2001" },
      message: "I am Maria Alvarez, maria.alvarez@example.com, +1 415 555 0132: refund ord_5002",
    });
    const rows = JSON.stringify(await t.audit(task.taskId));
    expect(rows).toMatch(/"jti":"[0-9a-f]{32}"/);
    expect(rows).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    for (const raw of ["Maria", "Alvarez", "maria.alvarez@example.com", "415 555 0132", "Evergreen"])
      expect(rows).not.toContain(raw);
  });
});

describe("the audit log is tamper-evident", () => {
  const verify = () => t.api("/v1/audit/verify", { key: t.secrets.SILOOS_ADMIN_KEY });

  it("a keyed hash chain over the rows holds, and breaks where someone with database access changed, removed or inserted a row", async () => {
    await t.createTask({ agent: "refund-agent", subject: { customerId: "cus_1008" }, message: "refund ord_5009" });
    const ok = await verify();
    expect(ok).toMatchObject({ status: 200, body: { ok: true, firstBadSeq: null } });
    expect(ok.body.sealedThrough).toBeGreaterThan(10);

    // An attacker with direct write access drops the triggers first.
    const db = await t.sys.db();
    await db.prepare("DROP TRIGGER audit_log_no_update").run();
    await db.prepare("DROP TRIGGER audit_log_no_delete").run();
    const target = await db
      .prepare("SELECT seq FROM audit_log WHERE decision = 'allowed' ORDER BY seq LIMIT 1 OFFSET 3")
      .first<{ seq: number }>();
    await db.prepare("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = ?").bind(target!.seq).run();
    expect(await verify()).toMatchObject({
      status: 409,
      body: { ok: false, firstBadSeq: target!.seq, reason: "the row does not match its seal" },
    });
    await db.prepare("UPDATE audit_log SET reason = NULL WHERE seq = ?").bind(target!.seq).run();
    expect((await verify()).body.ok).toBe(true);

    await db
      .prepare("DELETE FROM audit_log WHERE seq = ?")
      .bind(target!.seq + 1)
      .run();
    expect(await verify()).toMatchObject({
      status: 409,
      body: { firstBadSeq: target!.seq + 1, reason: "a sealed row is missing" },
    });
  });
});
