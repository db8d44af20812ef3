import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { SiloError } from "../errors/index.ts";
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

/**
 * The configured provider. The local outbox (the row is the delivery) is for
 * local development only: a deployed proxy without a provider refuses rather
 * than pretend a message went out.
 */
export function mailProvider(env: { EMAIL?: SendEmailBinding; SILOOS_MAIL_FROM?: string; SILOOS_LOCAL_DEV?: string }): MailProvider {
  if (env.EMAIL && env.SILOOS_MAIL_FROM) return cloudflareEmail(env.EMAIL, env.SILOOS_MAIL_FROM);
  if (env.SILOOS_LOCAL_DEV === "1") return localOutbox();
  throw new SiloError("mail_not_configured", "no mail provider is configured (bind EMAIL and set SILOOS_MAIL_FROM); the local outbox runs only in local development");
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
