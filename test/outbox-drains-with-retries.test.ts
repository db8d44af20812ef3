import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeMail, startFakeMail } from "./support/fake-mail.ts";
import { useSystem } from "./support/system.ts";

/**
 * The mail outbox is drained by a queue consumer against a mail API over its
 * real wire format. Failures are retried with backoff and the same
 * idempotency key; the last failure is a visible dead letter; nothing is
 * dropped and nothing is sent twice.
 */
let mail: FakeMail;
beforeAll(async () => {
  mail = await startFakeMail();
});
afterAll(async () => mail?.close());

const t = useSystem({
  get proxyVars() {
    return {
      SILOOS_MAIL_URL: mail.url,
      SILOOS_MAIL_API_KEY: mail.apiKey,
      SILOOS_MAIL_FROM: "support@shop.example",
      SILOOS_MAIL_RETRY_SECONDS: "1",
      SILOOS_MAIL_MAX_ATTEMPTS: "3",
    };
  },
});

/** Poll until `fn` returns a value (the queue works on its own clock); fail after `ms`. */
async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function outboxRow(taskId: string) {
  return (await t.sys.db())
    .prepare("SELECT id, status, attempts, last_error, provider_id FROM outbox WHERE task_id = ?")
    .bind(taskId)
    .first<{ id: string; status: string; attempts: number; last_error: string | null; provider_id: string | null }>();
}

/** A refund within the agent's limit: its confirmation email goes through the outbox. Each order once. */
const refundTask = (customerId: string, orderId: string) =>
  t.createTask({
    agent: "refund-agent",
    subject: { customerId },
    message: `Please refund ${orderId}, it arrived broken.`,
  });

describe("the outbox drains through a consumer", () => {
  it("a provider failing twice: retried with backoff, sent once, every attempt audited", async () => {
    mail.failNext = 2;
    const before = mail.requests.length;
    const task = await refundTask("cus_1001", "ord_5002");
    const row = await eventually(async () =>
      (await outboxRow(task.taskId))?.status === "sent" ? outboxRow(task.taskId) : null,
    );
    expect(row).toMatchObject({ status: "sent", attempts: 3, last_error: null });
    const mine = mail.requests.slice(before);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((r) => r.idempotencyKey))).toEqual(new Set([row!.id]));
    expect(mail.delivered.filter((d) => d.idempotencyKey === row!.id)).toHaveLength(1);
    expect(mail.delivered.at(-1)).toMatchObject({ to: ["maria.alvarez@example.com"] });
    const audit = (await t.audit(task.taskId)).filter((e) => e.event.startsWith("mail."));
    expect(audit.map((e) => [e.event, e.reason])).toEqual([
      ["mail.retry", "provider_http_503"],
      ["mail.retry", "provider_http_503"],
      ["mail.sent", null],
    ]);
    // The provider's error text quoted the address: it is in no audit row.
    expect(JSON.stringify(await t.audit(task.taskId))).not.toContain("maria.alvarez@example.com");
  });

  it("a crash between the provider's accept and the sent mark sends nothing new on the retry", async () => {
    mail.dropAfterAccept = 1;
    const task = await refundTask("cus_1005", "ord_5006");
    const row = await eventually(async () =>
      (await outboxRow(task.taskId))?.status === "sent" ? outboxRow(task.taskId) : null,
    );
    expect(row?.attempts).toBe(2);
    expect(mail.requests.filter((r) => r.idempotencyKey === row!.id)).toHaveLength(2);
    expect(mail.delivered.filter((d) => d.idempotencyKey === row!.id)).toHaveLength(1);
  });

  it("a provider that keeps failing: the message is dead-lettered, audited and listed, never dropped", async () => {
    mail.failNext = 1000;
    try {
      const task = await refundTask("cus_1006", "ord_5007");
      const row = await eventually(async () =>
        (await outboxRow(task.taskId))?.status === "dead" ? outboxRow(task.taskId) : null,
      );
      expect(row).toMatchObject({ status: "dead", attempts: 3, last_error: "provider_http_503" });
      expect(mail.delivered.filter((d) => d.idempotencyKey === row!.id)).toHaveLength(0);
      const dead = (await t.audit(task.taskId)).filter((e) => e.event === "mail.dead_letter");
      expect(dead).toMatchObject([
        {
          actor: "proxy",
          op: "email.deliver",
          reason: "provider_http_503",
          detail: { messageId: row!.id, attempts: 3 },
        },
      ]);
      const listed = await t.api("/v1/outbox/dead", { key: t.secrets.SILOOS_ADMIN_KEY });
      expect(listed.status).toBe(200);
      expect(listed.body.messages).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            messageId: row!.id,
            taskId: task.taskId,
            attempts: 3,
            lastError: "provider_http_503",
          }),
        ]),
      );
      expect(JSON.stringify(listed.body)).not.toContain("@example.com");
    } finally {
      mail.failNext = 0;
    }
  });

  it("a refused message (4xx) is dead-lettered at once: no retry can help", async () => {
    mail.failNext = 1;
    mail.failStatus = 422;
    try {
      const task = await refundTask("cus_1008", "ord_5009");
      const row = await eventually(async () =>
        (await outboxRow(task.taskId))?.status === "dead" ? outboxRow(task.taskId) : null,
      );
      expect(row).toMatchObject({ attempts: 1, last_error: "provider_http_422" });
    } finally {
      mail.failStatus = 503;
    }
  });
});
