import { auditableText } from "../../audit/agent-text.ts";
import { SiloError } from "../../errors/index.ts";
import { assertLinksAllowed, parseLinkDomains } from "../links.ts";
import type { OpDefinition } from "./context.ts";
import { requireIdempotencyKey } from "./refund.ts";

/**
 * reply.send: the reply is kept tokenized in the task transcript; the router
 * hydrates it for the customer's channel only (RouterGate.replies).
 */
export const replySend: OpDefinition<"reply.send"> = {
  capability: "reply.send",
  async run(ctx, { text }) {
    assertLinksAllowed(text, parseLinkDomains(ctx.env.SILOOS_LINK_DOMAINS));
    const { unknown } = await ctx.vault.hydrate(text);
    if (unknown.length > 0) throw new SiloError("validation_failed", "the reply holds a token this task did not issue");
    // Tokenized for the customer's channel, the console and the audit: a raw value
    // it guessed never leaves as such, and a value only it wrote never hydrates.
    // Agents read back `wrote`, the text exactly as written: no oracle on guesses.
    // An operator is a person, not a model: their words go back to the customer like the customer's own.
    const tokenized = await ctx.vault.tokenize(text, ctx.auth.principal.startsWith("human:") ? "customer" : "agent");
    // Namespaced by principal: the transcript's own dedup cannot be squatted either.
    const key = `${ctx.auth.principal}|${requireIdempotencyKey(ctx)}`;
    const { replayed } = await ctx.vault.appendTranscript({ role: "agent", by: ctx.auth.principal, text: tokenized, wrote: text, key });
    return { result: { delivered: true, replayed }, detail: { text: auditableText(tokenized, 1000), replayed } };
  },
};
