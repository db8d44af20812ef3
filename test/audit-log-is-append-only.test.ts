import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("the audit log is append-only", () => {
  it("refuses UPDATE and DELETE at the database level, whoever asks", async () => {
    await t.createTask({ agent: "refund-agent", subject: { customerId: "cus_1006" }, message: "refund ord_5007" });
    const db = await t.sys.db();
    const before = await db.prepare("SELECT COUNT(*) AS n, MAX(seq) AS top FROM audit_log").first<{ n: number; top: number }>();
    expect(before?.n).toBeGreaterThan(5);
    await expect(db.prepare("UPDATE audit_log SET decision = 'allowed' WHERE decision = 'refused' OR 1").run()).rejects.toThrow(/append-only/);
    await expect(db.prepare("DELETE FROM audit_log").run()).rejects.toThrow(/append-only/);
    const after = await db.prepare("SELECT COUNT(*) AS n, MAX(seq) AS top FROM audit_log").first<{ n: number; top: number }>();
    expect(after).toEqual(before);
  });

  it("holds key ids, never the keys themselves, and no raw customer value", async () => {
    const task = await t.createTask({ agent: "refund-agent", subject: { customerId: "cus_1001", caseId: "cas_2001" }, message: "I am Maria Alvarez, maria.alvarez@example.com, +1 415 555 0132: refund ord_5002" });
    const rows = JSON.stringify(await t.audit(task.taskId));
    expect(rows).toMatch(/"jti":"[0-9a-f]{32}"/);
    expect(rows).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    for (const raw of ["Maria", "Alvarez", "maria.alvarez@example.com", "415 555 0132", "Evergreen"]) expect(rows).not.toContain(raw);
  });
});
