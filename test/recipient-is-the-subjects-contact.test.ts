/**
 * email.send writes to one address: the subject customer's email as their
 * record held it when the task opened. The vault checks the recipient token
 * against that contact (Vault.recipient), without reading the customer again.
 * A record-provenance email that is not the contact (a record type that
 * carries someone else's address) is refused like an address an agent wrote.
 */
import { describe, expect, it } from "vitest";
import { cell } from "./support/cell.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

const t = useSystem({ extraAgents: [HOSTILE, PUPPET] });
const c = cell(t);

describe("the recipient is the subject's contact, checked in the vault", () => {
  attack(
    {
      surface: "cell",
      class: "exfiltration",
      tries: "email the customer's PII to the token of a record-held email that is not the task's customer's",
      evidence: "recipient_denied, refused row, no outbox row; the customer's own token still sends",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      await c.call("customer.read", { customerId: "cus_1001" });
      // A record that carries another person's address (no record type does today: a future
      // connector's), tokenized into this task's vault with record provenance.
      const vault = await t.vault(taskId);
      const other = (await vault.tokenizeRecord({ email: "ops@partner.example" }, { email: "EMAIL" })) as {
        email: string;
      };
      expect(other.email).toMatch(/^\[EMAIL_\d+\]$/);
      const res = await c.email("puppet-notice", other.email, { name: "[NAME_1]", note: "Your refund is on its way." });
      expect(res).toMatchObject({ ok: false, error: "recipient_denied" });
      await c.expectRefused(taskId, "email.send", "recipient_denied");
      expect(await c.outbox(taskId)).toEqual([]);

      // The customer's own token from their record is the contact: it sends.
      const ok = await c.email("puppet-notice", "[EMAIL_1]", { name: "[NAME_1]", note: "Your refund is on its way." });
      expect(ok).toMatchObject({ ok: true });
      expect((await c.outbox(taskId)).map((m) => m.to_address)).toEqual(["maria.alvarez@example.com"]);
    },
  );

  it("keeps the contact from the record at open, and a vault without one leaves the check to the record", async () => {
    const taskId = await c.task("cus_1001");
    const vault = await t.vault(taskId);
    await c.call("customer.read", { customerId: "cus_1001" });
    expect(await vault.recipient("[EMAIL_1]")).toEqual({ ok: true, email: "maria.alvarez@example.com" });
    expect(await vault.recipient("[NAME_1]")).toEqual({ ok: false });
    expect(await vault.recipient("[EMAIL_99]")).toEqual({ ok: false });

    // A vault opened without a contact (before vaults kept one) answers "unchecked" with the value.
    const old = await t.vault("tsk_recipientcheckwithoutcontact01");
    await old.open({
      taskId: "tsk_recipientcheckwithoutcontact01",
      principal: "agent:puppet-agent",
      jtis: [],
      scope: { customer: "cus_1001" },
      expiresAt: Date.now() + 60_000,
      known: [],
    });
    const rec = (await old.tokenizeRecord({ email: "maria.alvarez@example.com" }, { email: "EMAIL" })) as {
      email: string;
    };
    expect(await old.recipient(rec.email)).toEqual({ ok: "unchecked", email: "maria.alvarez@example.com" });
    await old.close();
  });
});
