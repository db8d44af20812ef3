import { findCapability } from "../../contracts/capabilities.ts";
import type { ChatRequest, ChatResponse } from "../../contracts/llm.ts";
import { SiloError } from "../../errors/index.ts";
import { findPii } from "../../scan/index.ts";
import { valueKey } from "../../vault/tokens.ts";
import { llmRoute } from "../llm/provider.ts";
import type { OpContext, OpDefinition } from "./context.ts";

/**
 * llm.chat, the LLM gateway: the model must be on the key's allow-list, the
 * task's token budget must not be spent, and no real value the task knows may
 * be in the prompt. The completion is tokenized before the agent sees it.
 */
export const llmChat: OpDefinition<"llm.chat"> = {
  capability: "llm.chat",
  async run(ctx, req) {
    const cap = findCapability(ctx.auth.base.caps, "llm.chat");
    if (!cap?.models.includes(req.model)) throw new SiloError("model_denied", `model ${req.model} is not granted`);
    const used = await ctx.vault.llmUsage();
    if (used >= cap.tokenBudget) throw new SiloError("budget_exhausted", `the task's model budget of ${cap.tokenBudget} tokens is spent`);
    await refuseRealValues(ctx, req);
    const route = llmRoute(ctx.env);
    const res = await route.provider.chat({ ...req, model: req.model === "default" ? route.model : req.model });
    const spent = res.usage.promptTokens + res.usage.completionTokens;
    const total = await ctx.vault.addLlmUsage(spent);
    const message = await tokenizeCompletion(ctx, res.message);
    const last = req.messages.at(-1);
    return {
      result: { message, usage: res.usage, model: res.model, budget: { used: total, limit: cap.tokenBudget } },
      detail: {
        provider: route.provider.name,
        model: res.model,
        usage: res.usage,
        messages: req.messages.length,
        input: last && "content" in last ? String(last.content ?? "").slice(0, 1000) : null,
        completion: message.content?.slice(0, 1000) ?? null,
        toolCalls: message.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
      },
    };
  },
};

/** The prompt may hold tokens, never a value the vault knows (in any spelling). */
async function refuseRealValues(ctx: OpContext, req: ChatRequest): Promise<void> {
  const known = await ctx.vault.knownEntries();
  const keys = new Set(known.map((k) => valueKey(k.kind, k.value)));
  const text = req.messages
    .map((m) => [("content" in m ? m.content : "") ?? "", m.role === "assistant" ? JSON.stringify(m.toolCalls ?? []) : ""].join("\n"))
    .join("\n");
  const hits = findPii(text, known).filter((s) => keys.has(valueKey(s.kind, s.value)));
  if (hits.length > 0) {
    const kinds = [...new Set(hits.map((h) => h.kind))].join(", ");
    throw new SiloError("pii_in_prompt", `the prompt contains ${hits.length} real value(s) of this task (${kinds}); send tokens instead`);
  }
}

async function tokenizeCompletion(ctx: OpContext, message: ChatResponse["message"]): Promise<ChatResponse["message"]> {
  const content = message.content === null ? null : await ctx.vault.tokenize(message.content);
  const toolCalls = [];
  for (const call of message.toolCalls) {
    const args = JSON.parse(await ctx.vault.tokenize(JSON.stringify(call.arguments))) as Record<string, unknown>;
    toolCalls.push({ ...call, arguments: args });
  }
  return { content, toolCalls };
}
