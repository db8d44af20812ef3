import { auditableText } from "../../audit/agent-text.ts";
import { SiloError } from "../../errors/index.ts";
import type { OpDefinition } from "../core/context.ts";
import { assertLinksAllowed, parseLinkDomains } from "./links.ts";
import { requireIdempotencyKey } from "./refund.ts";

/**
 * reply.send: the reply is kept tokenized in the task transcript; the router
 * hydrates it for the customer's channel only (RouterGate.replies).
 */
export const replySend: OpDefinition<"reply.send"> = {
  capability: "reply.send",
  async run(ctx, { text }) {
    assertLinksAllowed(text, parseLinkDomains(ctx.env.SILOOS_LINK_DOMAINS));
    // One vault RPC (Vault.reply): refuse a token this task did not issue, then keep the
    // reply tokenized for the customer's channel, the console and the audit: a raw value
    // it guessed never leaves as such, and a value only it wrote never hydrates.
    // Agents read back `wrote`, the text exactly as written: no oracle on guesses.
    // An operator is a person, not a model: their words go back to the customer like the customer's own.
    // Namespaced by principal: the transcript's own dedup cannot be squatted either.
    const key = `${ctx.auth.principal}|${requireIdempotencyKey(ctx)}`;
    const source = ctx.auth.principal.startsWith("human:") ? "customer" : "agent";
    const sent = await ctx.vault.auditNext({}).reply({ text, by: ctx.auth.principal, key, source });
    if (!sent.ok) throw new SiloError("validation_failed", "the reply holds a token this task did not issue");
    return {
      result: { delivered: true, replayed: sent.replayed },
      detail: { text: auditableText(sent.tokenized, 1000), replayed: sent.replayed },
    };
  },
};
