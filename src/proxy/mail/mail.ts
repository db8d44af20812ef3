import { SiloError } from "../../errors/index.ts";
import { httpMail } from "./mail-http.ts";
import type { OutboundEmail } from "./outbox.ts";

/**
 * Delivery behind one interface. Locally the D1 outbox row is the mailbox
 * (inspect it, or read it in tests). In production, bind Cloudflare Email
 * Service (`[[send_email]] name = "EMAIL"`) or set SILOOS_MAIL_URL and its
 * key, with SILOOS_MAIL_FROM: the outbox queue's consumer
 * (src/proxy/core/outbox-consumer.ts) sends each committed row, with retries.
 */
export interface MailProvider {
  readonly name: string;
  deliver(mail: OutboundEmail): Promise<{ providerId: string | null }>;
}

/** The subset of the send_email binding SiloOS uses (the builder overload). */
export interface SendEmailBinding {
  send(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<{ messageId?: string } | undefined>;
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
      return { providerId: res?.messageId ?? null };
    },
  };
}

export interface MailEnv {
  EMAIL?: SendEmailBinding;
  SILOOS_MAIL_FROM?: string;
  /** A Resend-compatible mail API (src/proxy/mail/mail-http.ts) and its key. */
  SILOOS_MAIL_URL?: string;
  SILOOS_MAIL_API_KEY?: string;
  /** Set only by the local launcher: the local outbox stands in for a provider. */
  SILOOS_LOCAL_DEV?: string;
}

/**
 * The configured provider. The local outbox (the row is the delivery) is for
 * local development only: a deployed proxy without a provider refuses rather
 * than pretend a message went out.
 */
export function mailProvider(env: MailEnv): MailProvider {
  if (env.SILOOS_MAIL_URL && env.SILOOS_MAIL_API_KEY && env.SILOOS_MAIL_FROM)
    return httpMail(env.SILOOS_MAIL_URL, env.SILOOS_MAIL_API_KEY, env.SILOOS_MAIL_FROM);
  if (env.EMAIL && env.SILOOS_MAIL_FROM) return cloudflareEmail(env.EMAIL, env.SILOOS_MAIL_FROM);
  if (env.SILOOS_LOCAL_DEV === "1") return localOutbox();
  throw new SiloError(
    "mail_not_configured",
    "no mail provider is configured (SILOOS_MAIL_URL with its key, or bind EMAIL, and SILOOS_MAIL_FROM); the local outbox runs only in local development",
  );
}
