import { describe, expect } from "vitest";
import { attack } from "./support/redteam.ts";
import { type AuditEntry, useSystem } from "./support/system.ts";

/**
 * The proxy remembers keys it verified (src/proxy/core/verified-keys.ts), by
 * their exact text. These attacks hold it to that: a remembered key is
 * refused once it expires, and a key that differs from a remembered one in a
 * single signature character is checked afresh.
 */
const t = useSystem();

async function lastRefusal(taskId: string): Promise<AuditEntry | undefined> {
  return (await t.audit(taskId)).filter((e) => e.decision === "refused").at(-1);
}

function expOf(jwt: string): number {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")).exp as number;
}

describe("keys the proxy remembers are checked again where it matters", () => {
  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "keep using a key the proxy verified once, after it expired",
      evidence: "key_expired and a refused audit row",
    },
    async () => {
      const task = await t.createTask({ agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hi" });
      // Minted so that it expires about 3 s from now (the harness mints for 300 s).
      const keys = await t.mintPair({
        principal: "agent:hostile-agent",
        taskId: task.taskId,
        customer: "cus_1002",
        now: new Date(Date.now() - 297_000),
      });
      const first = await t.hostile({ attack: "call", op: "whoami", ...keys });
      // Verified (so remembered); refused later by the vault, which never admitted these keys.
      expect(first.ok).toBe(false);
      expect(first.error).not.toMatch(/^key_(expired|forged|invalid)$/);
      const exp = Math.min(expOf(keys.baseKey), expOf(keys.taskKey));
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 300));
      const res = await t.hostile({ attack: "call", op: "whoami", ...keys });
      expect(res).toMatchObject({ ok: false, error: "key_expired" });
      expect(await lastRefusal(task.taskId)).toMatchObject({
        event: "proxy.call",
        decision: "refused",
        reason: "key_expired",
        taskId: task.taskId,
      });
    },
    20_000,
  );

  attack(
    {
      surface: "cell",
      class: "keys",
      tries: "alter one signature character of a key the proxy has verified",
      evidence: "key_forged and a refused audit row",
    },
    async () => {
      const task = await t.createTask({ agent: "hostile-agent", subject: { customerId: "cus_1002" }, message: "hi" });
      const keys = await t.mintPair({ principal: "agent:hostile-agent", taskId: task.taskId, customer: "cus_1002" });
      const first = await t.hostile({ attack: "call", op: "whoami", ...keys });
      expect(first.error).not.toMatch(/^key_(expired|forged|invalid)$/);
      // A character in the middle of the signature (the last one may only carry padding bits).
      const [h, p, sig] = keys.baseKey.split(".") as [string, string, string];
      const i = 20;
      const altered = `${h}.${p}.${sig.slice(0, i)}${sig[i] === "A" ? "B" : "A"}${sig.slice(i + 1)}`;
      const res = await t.hostile({ attack: "call", op: "whoami", baseKey: altered, taskKey: keys.taskKey });
      expect(res).toMatchObject({ ok: false, error: "key_forged" });
      // A forged key names no task it can be filed under: the row is unattributed.
      expect((await t.audit()).filter((e) => e.taskId === null).at(-1)).toMatchObject({
        event: "proxy.call",
        decision: "refused",
        reason: "key_forged",
      });
    },
  );
});
