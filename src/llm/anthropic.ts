import { z } from "zod";
import type { ChatMessage, ChatRequest, ChatResponse } from "../contracts/llm.ts";
import { SiloError } from "../errors/index.ts";
import { postJson } from "./http.ts";
import type { LlmProvider } from "./types.ts";

/** Anthropic Messages API: system apart, tool results as user content blocks. */
const WireResponse = z.object({
  model: z.string().optional(),
  content: z.array(
    z.union([
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({
        type: z.literal("tool_use"),
        id: z.string(),
        name: z.string(),
        input: z.record(z.string(), z.unknown()),
      }),
      z.object({ type: z.string() }).passthrough(),
    ]),
  ),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).optional(),
});

export function anthropic(cfg: { baseUrl: string; apiKey: string }): LlmProvider {
  return {
    name: "anthropic",
    async chat(req: ChatRequest): Promise<ChatResponse> {
      const system = req.messages
        .filter((m) => m.role === "system")
        .map((m) => m.content)
        .join("\n\n");
      const body = {
        model: req.model,
        max_tokens: req.maxTokens,
        ...(system ? { system } : {}),
        messages: mergeTurns(req.messages.filter((m) => m.role !== "system").map(toWire)),
        ...(req.tools.length
          ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }
          : {}),
      };
      const headers = { "x-api-key": cfg.apiKey, "anthropic-version": "2023-06-01" };
      const parsed = WireResponse.safeParse(
        await postJson(`${cfg.baseUrl.replace(/\/$/, "")}/v1/messages`, headers, body),
      );
      if (!parsed.success) throw new SiloError("llm_unavailable", "the model provider answered in an unexpected shape");
      const text = parsed.data.content.flatMap((b) => (b.type === "text" && "text" in b ? [String(b.text)] : []));
      const toolCalls = parsed.data.content.flatMap((b) =>
        b.type === "tool_use" && "input" in b
          ? [{ id: String(b.id), name: String(b.name), arguments: b.input as Record<string, unknown> }]
          : [],
      );
      return {
        model: parsed.data.model ?? req.model,
        message: { content: text.length ? text.join("\n") : null, toolCalls },
        usage: {
          promptTokens: parsed.data.usage?.input_tokens ?? 0,
          completionTokens: parsed.data.usage?.output_tokens ?? 0,
        },
      };
    },
  };
}

interface WireTurn {
  role: "user" | "assistant";
  content: Array<Record<string, unknown>>;
}

function toWire(m: ChatMessage): WireTurn {
  if (m.role === "assistant") {
    const blocks: Array<Record<string, unknown>> = m.content ? [{ type: "text", text: m.content }] : [];
    for (const c of m.toolCalls ?? []) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: c.arguments });
    return { role: "assistant", content: blocks };
  }
  if (m.role === "tool")
    return { role: "user", content: [{ type: "tool_result", tool_use_id: m.toolCallId, content: m.content }] };
  return { role: "user", content: [{ type: "text", text: m.role === "system" ? "" : m.content }] };
}

/** The API wants alternating turns: consecutive same-role turns are merged. */
function mergeTurns(turns: WireTurn[]): WireTurn[] {
  const out: WireTurn[] = [];
  for (const t of turns) {
    const last = out.at(-1);
    if (last && last.role === t.role) last.content.push(...t.content);
    else out.push({ role: t.role, content: [...t.content] });
  }
  return out;
}
