import { findCapability } from "../../contracts/capabilities.ts";
import { SiloError } from "../../errors/index.ts";
import { admissionError } from "../core/call-vault.ts";
import type { OpDefinition } from "../core/context.ts";
import { estimatePromptTokens } from "../ledger/tokens.ts";

/**
 * llm.chat, the LLM gateway: the model must be on the key's allow-list and
 * the task's token budget must not be spent. Every PII-looking value the agent
 * wrote in the request (messages, tool calls, tool specs) goes to the provider
 * as a placeholder and comes back to the agent in its own spelling, so the
 * model never receives a real value and the agent's answer does not depend on
 * whether it guessed one (no pii_in_prompt oracle). People see the masking in
 * the audit row. The rest of the completion is tokenized before the agent sees it.
 *
 * All of it is one vault RPC (Vault.llmChat, src/vault/llm-chat.ts): mask,
 * check what will leave (a real value the masking missed is refused, never
 * sent), reserve the budget (max_tokens capped by what is left), call the
 * model from the vault, settle with the real usage, tokenize the completion,
 * and journal the allowed row, durable before the call answers.
 */
export const llmChat: OpDefinition<"llm.chat"> = {
  capability: "llm.chat",
  async run(ctx, req) {
    const cap = findCapability(ctx.auth.base.caps, "llm.chat");
    if (!cap?.models.includes(req.model)) throw new SiloError("model_denied", `model ${req.model} is not granted`);
    const { principal, jtis } = ctx.vault.frame;
    const out = await ctx.vault.auditNext({}).llmChat({
      request: req,
      budget: cap.tokenBudget,
      promptTokens: estimatePromptTokens(req),
      caller: { principal, jtis },
    });
    // A refusal (no model configured, budget, a real value, the provider's fault, keys revoked meanwhile): no row yet, the gate files it.
    if (!out.ok) throw out.message === undefined ? admissionError(out.code) : new SiloError(out.code, out.message);
    return {
      result: {
        message: out.message,
        usage: out.usage,
        model: out.model,
        budget: { used: out.used, limit: cap.tokenBudget },
      },
      detail: out.audit,
    };
  },
};
