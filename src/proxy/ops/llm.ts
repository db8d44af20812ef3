import { findCapability } from "../../contracts/capabilities.ts";
import type { ChatRequest, ChatResponse } from "../../contracts/llm.ts";
import { SiloError } from "../../errors/index.ts";
import { llmRoute } from "../llm/provider.ts";
import type { OpDefinition } from "./context.ts";

/**
 * llm.chat, the LLM gateway: the model must be on the key's allow-list, the
 * task's token budget must not be spent, and no real value the task knows may
 * be in the prompt (the vault checks, in any spelling). The completion is
 * tokenized before the agent sees it.
 */
export const llmChat: OpDefinition<"llm.chat"> = {
  capability: "llm.chat",
  async run(ctx, req) {
    const cap = findCapability(ctx.auth.base.caps, "llm.chat");
    if (!cap?.models.includes(req.model)) throw new SiloError("model_denied", `model ${req.model} is not granted`);
    // Before the budget is touched: no configured model, no call.
    const route = llmRoute(ctx.env);
    const pre = await ctx.vault.llmPreflight(promptText(req), cap.tokenBudget);
    if (!pre.ok && pre.code === "budget_exhausted") throw new SiloError("budget_exhausted", `the task's model budget of ${cap.tokenBudget} tokens is spent`);
    if (!pre.ok) throw new SiloError("pii_in_prompt", `the prompt contains real values of this task (${pre.kinds.join(", ")}); send tokens instead`);
    const res = await route.provider.chat({ ...req, model: req.model === "default" ? route.model : req.model });
    const message = await settle(ctx.vault, res);
    const last = req.messages.at(-1);
    return {
      result: { message: message.message, usage: res.usage, model: res.model, budget: { used: message.used, limit: cap.tokenBudget } },
      detail: {
        provider: route.provider.name,
        model: res.model,
        usage: res.usage,
        messages: req.messages.length,
        input: last && "content" in last ? String(last.content ?? "").slice(0, 1000) : null,
        completion: message.message.content?.slice(0, 1000) ?? null,
        toolCalls: message.message.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
      },
    };
  },
};

function promptText(req: ChatRequest): string {
  return req.messages.map((m) => [("content" in m ? m.content : "") ?? "", m.role === "assistant" ? JSON.stringify(m.toolCalls ?? []) : ""].join("\n")).join("\n");
}

/** Count the tokens and tokenize content and tool arguments in one vault call. */
async function settle(vault: Parameters<OpDefinition<"llm.chat">["run"]>[0]["vault"], res: ChatResponse) {
  const spent = res.usage.promptTokens + res.usage.completionTokens;
  const texts = [res.message.content ?? "", ...res.message.toolCalls.map((c) => JSON.stringify(c.arguments))];
  const { used, texts: safe } = await vault.llmSettle(spent, texts);
  const toolCalls = res.message.toolCalls.map((c, i) => ({ ...c, arguments: JSON.parse(safe[i + 1]!) as Record<string, unknown> }));
  return { used, message: { content: res.message.content === null ? null : safe[0]!, toolCalls } };
}
