import { describe, expect, it } from "vitest";
import { cloudflareEmail, localOutbox, mailProvider, type SendEmailBinding } from "./mail.ts";

const mail = {
  id: "msg_1",
  taskId: "tsk_0123456789",
  to: "maria.alvarez@example.com",
  subject: "Your refund",
  body: "Hello Maria",
  template: "t",
  idempotencyKey: "k",
};

describe("mail providers", () => {
  it("sends through the send_email binding's builder shape", async () => {
    const sent: unknown[] = [];
    const binding: SendEmailBinding = {
      send: async (m) => {
        sent.push(m);
        return { messageId: "cf-123" };
      },
    };
    expect(await cloudflareEmail(binding, "support@example.com").deliver(mail)).toEqual({ providerId: "cf-123" });
    expect(sent).toEqual([
      {
        from: "support@example.com",
        to: "maria.alvarez@example.com",
        subject: "Your refund",
        text: "Hello Maria",
        headers: { "X-SiloOS-Task": "tsk_0123456789", "X-SiloOS-Message": "msg_1" },
      },
    ]);
  });

  it("uses the local outbox in local development unless both the binding and a sender are configured", () => {
    const local = { SILOOS_LOCAL_DEV: "1" };
    expect(mailProvider(local).name).toBe("local-outbox");
    expect(mailProvider({ ...local, SILOOS_MAIL_FROM: "a@example.com" }).name).toBe("local-outbox");
    expect(
      mailProvider({ ...local, EMAIL: { send: async () => undefined }, SILOOS_MAIL_FROM: "a@example.com" }).name,
    ).toBe("cloudflare-email");
    expect(localOutbox().name).toBe("local-outbox");
  });

  it("refuses with mail_not_configured when deployed without a provider", () => {
    expect(mailProvider({ EMAIL: { send: async () => undefined }, SILOOS_MAIL_FROM: "a@example.com" }).name).toBe(
      "cloudflare-email",
    );
    for (const env of [
      {},
      { SILOOS_MAIL_FROM: "a@example.com" },
      { EMAIL: { send: async () => undefined } },
      { SILOOS_LOCAL_DEV: "true" },
    ]) {
      expect(() => mailProvider(env)).toThrow(expect.objectContaining({ code: "mail_not_configured" }));
    }
  });
});
