import type { MailProvider } from "./mail.ts";
import type { OutboundEmail } from "./outbox.ts";

/**
 * A mail API over HTTP in the Resend wire format (`POST /emails`, bearer
 * key, `Idempotency-Key`), which several providers and relays accept. The
 * outbox row's id is the idempotency key: a retry after a crash between the
 * provider's answer and the `sent` mark is recognised by the provider, so
 * the customer never gets the message twice.
 */
export class MailDeliveryError extends Error {
  readonly code: string;
  /** No retry will help (bad request, refused recipient). */
  readonly permanent: boolean;
  constructor(code: string, permanent: boolean) {
    super(code);
    this.name = "MailDeliveryError";
    this.code = code;
    this.permanent = permanent;
  }
}

export function httpMail(baseUrl: string, apiKey: string, from: string): MailProvider {
  const url = `${baseUrl.replace(/\/+$/, "")}/emails`;
  return {
    name: "http-mail",
    async deliver(mail: OutboundEmail) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${apiKey}`,
            "content-type": "application/json",
            "idempotency-key": mail.id,
          },
          body: JSON.stringify({
            from,
            to: [mail.to],
            subject: mail.subject,
            text: mail.body,
            headers: { "X-SiloOS-Task": mail.taskId, "X-SiloOS-Message": mail.id },
          }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        throw new MailDeliveryError("provider_unreachable", false);
      }
      // The provider's error text may quote the recipient: only the status is kept.
      if (!res.ok) {
        await res.body?.cancel();
        const transient = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
        throw new MailDeliveryError(`provider_http_${res.status}`, !transient);
      }
      const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
      return { providerId: typeof body?.id === "string" ? body.id.slice(0, 100) : null };
    },
  };
}
