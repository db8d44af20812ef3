import { z } from "zod";
import type { ChatMessage, ChatRequest, ChatResponse } from "../contracts/llm.ts";
import { SiloError } from "../errors/index.ts";
import { postJson } from "./http.ts";
import type { LlmProvider } from "./types.ts";

/** Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp …). */
const WireResponse = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                type: z.literal("function").optional(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullable()
            .optional(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).optional(),
});

export function openaiCompatible(cfg: { baseUrl: string; apiKey: string | undefined }): LlmProvider {
  return {
    name: "openai-compatible",
    async chat(req: ChatRequest): Promise<ChatResponse> {
      const body = {
        model: req.model,
        max_tokens: req.maxTokens,
        messages: req.messages.map(toWire),
        ...(req.tools.length
          ? {
              tools: req.tools.map((t) => ({
                type: "function",
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
      };
      const headers: Record<string, string> = cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {};
      const parsed = WireResponse.safeParse(
        await postJson(`${cfg.baseUrl.replace(/\/$/, "")}/chat/completions`, headers, body),
      );
      if (!parsed.success) throw new SiloError("llm_unavailable", "the model provider answered in an unexpected shape");
      const msg = parsed.data.choices[0]!.message;
      return {
        model: parsed.data.model ?? req.model,
        message: {
          content: msg.content ?? null,
          toolCalls: (msg.tool_calls ?? []).map((c) => ({
            id: c.id,
            name: c.function.name,
            arguments: parseArgs(c.function.arguments),
          })),
        },
        usage: {
          promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
          completionTokens: parsed.data.usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}

function toWire(m: ChatMessage): Record<string, unknown> {
  if (m.role === "assistant") {
    const calls = m.toolCalls ?? [];
    return {
      role: "assistant",
      content: m.content,
      ...(calls.length
        ? {
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: "function",
              function: { name: c.name, arguments: JSON.stringify(c.arguments) },
            })),
          }
        : {}),
    };
  }
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  return { role: m.role, content: m.content };
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
