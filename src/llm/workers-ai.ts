import type { ChatRequest, ChatResponse } from "../contracts/llm.ts";
import { SiloError } from "../errors/index.ts";
import { estimateTokens } from "./http.ts";
import type { LlmProvider } from "./types.ts";

/** The subset of the Workers AI binding the gateway uses. */
export interface AiBinding {
  run(model: string, input: Record<string, unknown>): Promise<unknown>;
}

interface AiOutput {
  response?: string | null;
  tool_calls?: Array<{ name: string; arguments: Record<string, unknown> | string }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** Workers AI through its binding: no key, the account's own models. */
export function workersAi(ai: AiBinding): LlmProvider {
  return {
    name: "workers-ai",
    async chat(req: ChatRequest): Promise<ChatResponse> {
      let out: AiOutput;
      try {
        out = (await ai.run(req.model, {
          max_tokens: req.maxTokens,
          messages: req.messages.map((m) =>
            m.role === "tool"
              ? { role: "tool", name: m.name, content: m.content }
              : m.role === "assistant"
                ? { role: "assistant", content: m.content ?? "" }
                : m,
          ),
          ...(req.tools.length
            ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) }
            : {}),
        })) as AiOutput;
      } catch {
        throw new SiloError("llm_unavailable", "Workers AI did not answer");
      }
      const toolCalls = (out.tool_calls ?? []).map((c, i) => ({
        id: `call_${i}`,
        name: c.name,
        arguments: typeof c.arguments === "string" ? (JSON.parse(c.arguments) as Record<string, unknown>) : c.arguments,
      }));
      const prompt = req.messages.map((m) => m.content ?? "").join("\n");
      return {
        model: req.model,
        message: { content: out.response ?? null, toolCalls },
        usage: {
          promptTokens: out.usage?.prompt_tokens ?? estimateTokens(prompt),
          completionTokens: out.usage?.completion_tokens ?? estimateTokens(out.response ?? ""),
        },
      };
    },
  };
}
