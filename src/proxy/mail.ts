import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { outbox } from "../db/schema.ts";
import type { OutboundEmail } from "./outbox.ts";

/**
 * Delivery behind one interface. Locally the D1 outbox row is the delivery
 * (inspect it, or read it in tests). In production, bind Cloudflare Email
 * Service (`[[send_email]] name = "EMAIL"`) and set SILOOS_MAIL_FROM: the
 * proxy sends right after the outbox row and its audit row are committed.
 */
export interface MailProvider {
  readonly name: string;
  deliver(mail: OutboundEmail): Promise<{ providerId: string | null }>;
}

/** The subset of the send_email binding SiloOS uses (the builder overload). */
export interface SendEmailBinding {
  send(message: { from: string; to: string; subject: string; text: string; headers?: Record<string, string> }): Promise<{ messageId?: string } | void>;
}

export function localOutbox(): MailProvider {
  return { name: "local-outbox", deliver: async () => ({ providerId: null }) };
}

export function cloudflareEmail(binding: SendEmailBinding, from: string): MailProvider {
  return {
    name: "cloudflare-email",
    async deliver(mail) {
      const res = await binding.send({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
        // Lets a support mailbox trace a message to its task without PII.
        headers: { "X-SiloOS-Task": mail.taskId, "X-SiloOS-Message": mail.id },
      });
      return { providerId: (res && res.messageId) ?? null };
    },
  };
}

export function mailProvider(env: { EMAIL?: SendEmailBinding; SILOOS_MAIL_FROM?: string }): MailProvider {
  return env.EMAIL && env.SILOOS_MAIL_FROM ? cloudflareEmail(env.EMAIL, env.SILOOS_MAIL_FROM) : localOutbox();
}

/** Send a committed outbox row; a failure leaves it queued for a retry, never lost. */
export async function deliverQueued(db: Db, provider: MailProvider, mail: OutboundEmail): Promise<string> {
  if (provider.name === "local-outbox") return "queued";
  try {
    await provider.deliver(mail);
    await db.update(outbox).set({ status: "sent" }).where(eq(outbox.id, mail.id));
    return "sent";
  } catch {
    return "queued";
  }
}
