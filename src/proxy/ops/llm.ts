import { auditableText } from "../../audit/agent-text.ts";
import { findCapability } from "../../contracts/capabilities.ts";
import type { ChatRequest, ChatResponse } from "../../contracts/llm.ts";
import { SiloError } from "../../errors/index.ts";
import { type MaskedSpan, mapStrings, unmask } from "../../vault/masking.ts";
import type { OpDefinition } from "../core/context.ts";
import { estimatePromptTokens } from "../ledger/tokens.ts";
import { llmRoute } from "../llm/provider.ts";

/**
 * llm.chat, the LLM gateway: the model must be on the key's allow-list and
 * the task's token budget must not be spent. Every PII-looking value the agent
 * wrote in the request (messages, tool calls, tool specs) goes to the provider
 * as a placeholder and comes back to the agent in its own spelling, so the
 * model never receives a real value and the agent's answer does not depend on
 * whether it guessed one (no pii_in_prompt oracle). People see the masking in
 * the audit row. The rest of the completion is tokenized before the agent sees it.
 */
export const llmChat: OpDefinition<"llm.chat"> = {
  capability: "llm.chat",
  async run(ctx, req) {
    const cap = findCapability(ctx.auth.base.caps, "llm.chat");
    if (!cap?.models.includes(req.model)) throw new SiloError("model_denied", `model ${req.model} is not granted`);
    // Before the budget is touched: no configured model, no call.
    const route = llmRoute(ctx.env);
    // One vault RPC before the call leaves (Vault.llmPrepare): mask, check what will leave (a real
    // value the masking missed is refused, never sent), reserve the budget (src/vault/ledger.ts):
    // max_tokens is capped by what the budget has left.
    const { request, masked, reservation } = await prepareRequest(ctx.vault, req, {
      budget: cap.tokenBudget,
      promptTokens: estimatePromptTokens(req),
      maxTokens: req.maxTokens,
    });
    let res: ChatResponse;
    try {
      res = await route.provider.chat({
        ...request,
        maxTokens: reservation.maxTokens,
        model: req.model === "default" ? route.model : req.model,
      });
    } catch (err) {
      // Nothing was used: the reservation is released (left counted if the vault cannot be reached: fail closed).
      await ctx.vault.llmSettle(reservation.id, 0, []).catch(() => undefined);
      throw err;
    }
    const last = request.messages.at(-1);
    const input = last && "content" in last ? unmask(String(last.content ?? ""), masked, (m) => m.shown) : null;
    // The allowed row rides on the settling RPC (Vault.llmSettle builds the completion's view for
    // people there): journaled, durable, before the call answers, with no vault RPC of its own.
    const detail = {
      provider: route.provider.name,
      model: res.model,
      usage: res.usage,
      maxTokens: reservation.maxTokens,
      messages: req.messages.length,
      input: input === null ? null : auditableText(input, 1000),
      ...(masked.length
        ? { masked: { spans: masked.length, realValues: masked.filter((m) => m.real).map((m) => m.shown) } }
        : {}),
    };
    const settled = await settle(ctx.vault.auditNext(detail), reservation.id, res, masked);
    const used = settled.used;
    const forAgent = restore(settled.message, masked, (m) => m.literal);
    return {
      result: { message: forAgent, usage: res.usage, model: res.model, budget: { used, limit: cap.tokenBudget } },
      detail,
    };
  },
};

type VaultStub = Parameters<OpDefinition<"llm.chat">["run"]>[0]["vault"];

/** Every string of the request (keys included), masked in one vault call, in a fixed walk order; the budget reserved in the same call. */
async function prepareRequest(
  vault: VaultStub,
  req: ChatRequest,
  budget: { budget: number; promptTokens: number; maxTokens: number },
): Promise<{ request: ChatRequest; masked: MaskedSpan[]; reservation: { id: string; maxTokens: number } }> {
  const body = { messages: req.messages, tools: req.tools };
  const strings: string[] = [];
  mapStrings(body, (s) => {
    strings.push(s);
    return s;
  });
  const pre = await vault.llmPrepare(strings, budget);
  if (!pre.ok && pre.code === "budget_exhausted")
    throw new SiloError("budget_exhausted", `the task's model budget of ${budget.budget} tokens is spent`);
  if (!pre.ok)
    throw new SiloError(
      "pii_in_prompt",
      `the prompt contains real values of this task (${pre.kinds.join(", ")}); send tokens instead`,
    );
  const { texts, masked } = pre.mask;
  let i = 0;
  const out = mapStrings(body, () => texts[i++]!) as typeof body;
  return { request: { ...req, ...out }, masked, reservation: pre.reservation };
}

function restore(
  message: ChatResponse["message"],
  masked: readonly MaskedSpan[],
  pick: (m: MaskedSpan) => string,
): ChatResponse["message"] {
  if (masked.length === 0) return message;
  const back = (s: string) => unmask(s, masked, pick);
  return {
    content: message.content === null ? null : back(message.content),
    toolCalls: message.toolCalls.map((c) => ({
      ...c,
      arguments: mapStrings(c.arguments, back) as Record<string, unknown>,
    })),
  };
}

/** Settle the reservation with the provider's usage and tokenize content and tool arguments in one vault call. */
async function settle(vault: VaultStub, reservationId: string, res: ChatResponse, masked: MaskedSpan[]) {
  const spent = res.usage.promptTokens + res.usage.completionTokens;
  const texts = [res.message.content ?? "", ...res.message.toolCalls.map((c) => JSON.stringify(c.arguments))];
  const people = { masked, content: res.message.content !== null, toolNames: res.message.toolCalls.map((c) => c.name) };
  const { used, texts: safe } = await vault.llmSettle(reservationId, spent, texts, people);
  const toolCalls = res.message.toolCalls.map((c, i) => ({
    ...c,
    arguments: JSON.parse(safe[i + 1]!) as Record<string, unknown>,
  }));
  return { used, message: { content: res.message.content === null ? null : safe[0]!, toolCalls } };
}
