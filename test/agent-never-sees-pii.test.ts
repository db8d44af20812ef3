import { describe, expect, it } from "vitest";
import { demoPii, leakedValues } from "./support/pii.ts";
import { TAP, useSystem } from "./support/system.ts";

const t = useSystem({ tap: { scriptPath: TAP, agents: ["refund-agent", "manager-agent"] } });

describe("an agent never receives a real PII value", () => {
  it("nothing the agents received in a whole task contains a seeded real value; the outbox has the real ones", async () => {
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1001", caseId: "cas_2001" },
      message:
        "Hello, Maria Alvarez here (maria.alvarez@example.com, +1 415 555 0132, 742 Evergreen Terrace). " +
        "The desk from ord_5001 is cracked; refund the 700 USD to my card 4111 1111 1111 1111. " +
        "You can also write to my husband at kwame.mensah@example.org.",
    });
    expect(task.hops).toEqual(["agent:refund-agent", "agent:manager-agent"]);
    expect(task.reply).toContain("Maria Alvarez"); // hydrated for the customer only
    await t.api(`/v1/tasks/${task.taskId}/messages`, {
      body: { message: "Thanks! My phone is 415-555-0132 if needed." },
    });

    const seen = [...(await t.tapped("refund-agent")), ...(await t.tapped("manager-agent"))];
    const bytes = JSON.stringify(seen);
    expect(seen.length).toBeGreaterThan(10);
    expect(bytes).toContain("[NAME_1]");
    expect(bytes).toContain("[EMAIL_1]");
    expect(bytes).toContain("[CARD_1]");
    expect(bytes).toContain("700"); // amounts stay real
    expect(leakedValues(bytes, await demoPii(await t.sys.db()))).toEqual([]);

    const db = await t.sys.db();
    const mail = await db
      .prepare("SELECT to_address, subject, body FROM outbox WHERE task_id = ?")
      .bind(task.taskId)
      .first<Record<string, string>>();
    expect(mail?.to_address).toBe("maria.alvarez@example.com");
    expect(mail?.body).toContain("Hello Maria Alvarez,");
    expect(mail?.body).not.toMatch(/\[[A-Z]+_\d+\]/);
  });

  it("tokens are stable within a task and mean nothing in another task", async () => {
    const a = await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1001" },
      message: "maria.alvarez@example.com twice: maria.alvarez@example.com",
    });
    const first = await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1001" } });
    const again = await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1001" } });
    expect(first.result).toEqual(again.result);
    expect(first.result).toMatchObject({
      name: "[NAME_1]",
      email: "[EMAIL_1]",
      phone: "[PHONE_1]",
      address: "[ADDRESS_1]",
      tier: "gold",
    });
    const transcript = await t.puppet({ attack: "replay", op: "transcript.read" });
    expect(transcript.result[0].text).toBe("[EMAIL_1] twice: [EMAIL_1]");

    // Another task, another customer: the same token names a different person, and
    // a token that task never issued cannot be used as a recipient.
    const b = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1002" }, message: "hi" });
    const other = await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1002" } });
    expect(other.result.name).toBe("[NAME_1]");
    const ghost = await t.puppet({
      attack: "replay",
      op: "email.send",
      args: { template: "puppet-notice", to: "[EMAIL_7]", variables: { name: "[NAME_1]", note: "x" } },
      idempotencyKey: "ghost-email-1",
    });
    expect(ghost).toMatchObject({ ok: false, error: "recipient_denied" });
    const aVault = await t.vault(a.taskId);
    const bVault = await t.vault(b.taskId);
    expect((await aVault.hydrate("[NAME_1]")).text).toBe("Maria Alvarez");
    expect((await bVault.hydrate("[NAME_1]")).text).toBe("Kwame Mensah");
  });
});
