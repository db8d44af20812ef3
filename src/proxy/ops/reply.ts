import { SiloError } from "../../errors/index.ts";
import { assertLinksAllowed, parseLinkDomains } from "../links.ts";
import type { OpDefinition } from "./context.ts";
import { requireIdempotencyKey } from "./refund.ts";

/**
 * reply.send: the reply is kept tokenized in the task transcript; the router
 * hydrates it for the customer's channel only (KernelGate.replies).
 */
export const replySend: OpDefinition<"reply.send"> = {
  capability: "reply.send",
  async run(ctx, { text }) {
    assertLinksAllowed(text, parseLinkDomains(ctx.env.SILOOS_LINK_DOMAINS));
    const { unknown } = await ctx.vault.hydrate(text);
    if (unknown.length > 0) throw new SiloError("validation_failed", "the reply holds a token this task did not issue");
    // Re-tokenize: an agent must not smuggle a raw value it guessed into a reply.
    const tokenized = await ctx.vault.tokenize(text);
    const key = requireIdempotencyKey(ctx);
    const { replayed } = await ctx.vault.appendTranscript({ role: "agent", by: ctx.auth.principal, text: tokenized, key });
    return { result: { delivered: true, replayed }, detail: { text: tokenized, replayed } };
  },
};
