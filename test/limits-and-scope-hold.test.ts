import { beforeEach, describe, expect, it } from "vitest";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();
let taskId = "";
let n = 0;

/** A fresh task for the puppet agent (grant: refund.issue limit 500, per task 500, USD). */
beforeEach(async () => {
  taskId = (
    await t.createTask({
      agent: "puppet-agent",
      subject: { customerId: "cus_1004", caseId: "cas_2003" },
      message: "hello",
    })
  ).taskId;
});

const refund = (args: Record<string, unknown>, idem = `idem-${++n}-${Date.now()}`) =>
  t.puppet({
    attack: "replay",
    op: "refund.issue",
    args: { orderId: "ord_5005", currency: "USD", reason: "test", ...args },
    idempotencyKey: idem,
  });
const email = (args: Record<string, unknown>, idem = `mail-${++n}-${Date.now()}`) =>
  t.puppet({
    attack: "replay",
    op: "email.send",
    args: { template: "puppet-notice", to: "[EMAIL_1]", ...args },
    idempotencyKey: idem,
  });

async function refundRows(): Promise<number> {
  const row = await (await t.sys.db())
    .prepare("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?")
    .bind(taskId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

async function expectAuditedRefusal(code: string) {
  const last = (await t.audit(taskId)).at(-1);
  expect(last).toMatchObject({ event: "proxy.call", decision: "refused", reason: code });
}

describe("limits hold", () => {
  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "refund 501 with a 500 limit",
      evidence: "limit_exceeded, audited; 500 allowed, one row",
    },
    async () => {
      expect(await refund({ amount: 501 })).toMatchObject({ ok: false, error: "limit_exceeded" });
      await expectAuditedRefusal("limit_exceeded");
      expect(await refund({ amount: 500 })).toMatchObject({ ok: true, result: { amount: 500, replayed: false } });
      expect(await refundRows()).toBe(1);
    },
  );

  attack(
    {
      surface: "cell",
      class: "limits",
      tries: "many small refunds to beat the per-task limit",
      evidence: "the sixth 100 and a 0.01 refused limit_exceeded; 5 rows",
    },
    async () => {
      for (let i = 0; i < 5; i++) expect((await refund({ amount: 100 })).ok).toBe(true);
      expect(await refund({ amount: 100 })).toMatchObject({ ok: false, error: "limit_exceeded" });
      expect(await refund({ amount: 0.01 })).toMatchObject({ ok: false, error: "limit_exceeded" });
      expect(await refundRows()).toBe(5);
    },
  );

  attack(
    {
      surface: "cell",
      class: "idempotency",
      tries: "retry a refund with the same key",
      evidence: "same refundId, replayed: true, one row",
    },
    async () => {
      const first = await refund({ amount: 120 }, "retry-key-0001");
      const again = await refund({ amount: 120 }, "retry-key-0001");
      expect(first.result.replayed).toBe(false);
      expect(again.result).toMatchObject({ refundId: first.result.refundId, replayed: true });
      expect(await refundRows()).toBe(1);
      expect(await refund({ amount: 120 }, undefined as never)).toMatchObject({ ok: true });
    },
  );

  it.each([
    ["a negative amount", { amount: -5 }, "validation_failed"],
    ["zero", { amount: 0 }, "validation_failed"],
    ["NaN (sent as null by JSON)", { amount: Number.NaN }, "validation_failed"],
    ["a string amount", { amount: "100" }, "validation_failed"],
    ["sub-cent precision", { amount: 10.005 }, "validation_failed"],
    ["an unknown currency", { amount: 10, currency: "XYZ" }, "currency_denied"],
    ["a currency not granted", { amount: 10, currency: "EUR" }, "currency_denied"],
    ["a lowercase currency", { amount: 10, currency: "usd" }, "validation_failed"],
    ["another customer's order", { amount: 10, orderId: "ord_5001" }, "scope_denied"],
    ["a non-existent order", { amount: 10, orderId: "ord_9999" }, "scope_denied"],
    ["extra arguments", { amount: 10, limit: 99999 }, "validation_failed"],
  ])("refuses %s", async (_what, args, code) => {
    expect(await refund(args)).toMatchObject({ ok: false, error: code });
    await expectAuditedRefusal(code);
    expect(await refundRows()).toBe(0);
  });

  it("a retried reply with the same idempotency key is delivered once", async () => {
    const reply = () =>
      t.puppet({
        attack: "replay",
        op: "reply.send",
        args: { text: "Your refund is on its way." },
        idempotencyKey: "reply-key-0001",
      });
    expect((await reply()).result).toEqual({ delivered: true, replayed: false });
    expect((await reply()).result).toEqual({ delivered: true, replayed: true });
    const transcript = await t.puppet({ attack: "replay", op: "transcript.read" });
    expect(transcript.result.filter((e: { role: string }) => e.role === "agent")).toHaveLength(1);
  });

  it("an action without an idempotency key is refused", async () => {
    const res = await t.puppet({
      attack: "replay",
      op: "refund.issue",
      args: { orderId: "ord_5005", amount: 10, currency: "USD", reason: "x" },
    });
    expect(res).toMatchObject({ ok: false, error: "validation_failed" });
  });
});

describe("email: only granted templates, only to this task's tokens, no injection", () => {
  beforeEach(async () => {
    await t.puppet({ attack: "replay", op: "customer.read", args: { customerId: "cus_1004" } });
  });

  it("sends a granted template hydrated inside the proxy", async () => {
    const res = await email({ variables: { name: "[NAME_1]", note: "Your chair parts ship today." } });
    expect(res).toMatchObject({ ok: true, result: { replayed: false } });
    const mail = await (await t.sys.db())
      .prepare("SELECT * FROM outbox WHERE task_id = ?")
      .bind(taskId)
      .first<Record<string, string>>();
    expect(mail).toMatchObject({
      to_address: "priya.r@example.com",
      subject: "Notice for Priya Raghunathan",
      template: "puppet-notice",
    });
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    [
      "a template not granted",
      { template: "refund-confirmation", variables: { name: "x", amount: "1", currency: "USD", orderId: "o" } },
      "template_denied",
    ],
    [
      "a typed address instead of a token",
      { to: "attacker@example.net", variables: { name: "x", note: "y" } },
      "validation_failed",
    ],
    ["a token the task never issued", { to: "[EMAIL_9]", variables: { name: "x", note: "y" } }, "recipient_denied"],
    ["a name token as recipient", { to: "[NAME_1]", variables: { name: "x", note: "y" } }, "recipient_denied"],
    ["an undeclared variable", { variables: { name: "x", note: "y", bcc: "z" } }, "validation_failed"],
    ["a missing variable", { variables: { name: "x" } }, "validation_failed"],
    ["a foreign token in a variable", { variables: { name: "[NAME_4]", note: "y" } }, "validation_failed"],
  ];
  for (const [what, args, code] of refusals) {
    attack(
      { surface: "cell", class: "exfiltration", tries: `email.send with ${what}`, evidence: `${code}, refused row` },
      async () => {
        expect(await email(args)).toMatchObject({ ok: false, error: code });
        await expectAuditedRefusal(code);
      },
    );
  }

  it("renders injection attempts in variables as literal text; a typed variable refuses them", async () => {
    // `name` is typed (one NAME token): header injection through it is refused before rendering.
    expect(await email({ variables: { name: "{{name}}\r\nBcc: attacker@example.net", note: "x" } })).toMatchObject({
      ok: false,
      error: "variable_denied",
    });
    const res = await email({
      variables: { name: "[NAME_1]", note: "{{ note }} {{name}}\r\nBcc: x ${process.env} <script>x</script>" },
    });
    expect(res.ok).toBe(true);
    const mail = await (await t.sys.db())
      .prepare("SELECT subject, body FROM outbox WHERE task_id = ?")
      .bind(taskId)
      .first<Record<string, string>>();
    expect(mail?.subject).toBe("Notice for Priya Raghunathan");
    expect(mail?.body).toContain("{{ note }} {{name}}\r\nBcc: x ${process.env} <script>x</script>");
  });
});

describe("scope: only the records the task key names", () => {
  const guesses: Array<[string, string, Record<string, unknown>]> = [
    ["another customer", "customer.read", { customerId: "cus_1001" }],
    ["another customer's orders", "orders.list", { customerId: "cus_1002" }],
    ["another customer's case", "case.read", { caseId: "cas_2001" }],
    ["a case that does not exist", "case.read", { caseId: "cas_9999" }],
  ];
  for (const [what, op, args] of guesses) {
    attack(
      {
        surface: "cell",
        class: "scope",
        tries: `read ${what} by guessing its id`,
        evidence: "scope_denied, same answer as a missing record, refused audit row",
      },
      async () => {
        const res = await t.puppet({ attack: "replay", op, args });
        expect(res).toMatchObject({ ok: false, error: "scope_denied" });
        expect(JSON.stringify(res)).not.toMatch(/Maria|Kwame|example\.(com|org)/);
        await expectAuditedRefusal("scope_denied");
      },
    );
  }

  it("reads its own customer, orders and case, tokenized, with real amounts", async () => {
    const orders = await t.puppet({ attack: "replay", op: "orders.list", args: { customerId: "cus_1004" } });
    expect(orders.result).toEqual([
      expect.objectContaining({ id: "ord_5005", total: 1299, currency: "USD", status: "delivered" }),
    ]);
    const kase = await t.puppet({ attack: "replay", op: "case.read", args: { caseId: "cas_2003" } });
    expect(kase.result.notes).toBe("[NAME_1] reports the armrests are missing. Call back on [PHONE_1] after 14:30.");
  });

  attack(
    {
      surface: "cell",
      class: "rpc-surface",
      tries: "call an operation the proxy does not have (db.exec)",
      evidence: "unknown_operation and a refused audit row",
    },
    async () => {
      expect(await t.puppet({ attack: "replay", op: "db.exec", args: {} })).toMatchObject({
        ok: false,
        error: "unknown_operation",
      });
      await expectAuditedRefusal("unknown_operation");
    },
  );
});
