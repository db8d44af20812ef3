import { z } from "zod";
import { ToolParametersSchema } from "./json-schema.ts";

/**
 * The gateway's canonical chat format (close to OpenAI's, tool arguments as
 * objects). Providers translate to and from their wire formats.
 */
/** A tool's name, as the providers take it. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const ToolCallSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().regex(TOOL_NAME),
  arguments: z.record(z.string(), z.unknown()),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const ChatMessageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string().max(60_000) }),
  z.object({ role: z.literal("user"), content: z.string().max(60_000) }),
  z.object({
    role: z.literal("assistant"),
    content: z.string().max(60_000).nullable(),
    toolCalls: z.array(ToolCallSchema).max(16).default([]),
  }),
  z.object({
    role: z.literal("tool"),
    toolCallId: z.string().min(1).max(100),
    name: z.string().max(64),
    content: z.string().max(60_000),
  }),
]);
export type ChatMessage = z.input<typeof ChatMessageSchema>;

export const ToolSpecSchema = z.object({
  name: z.string().regex(TOOL_NAME),
  description: z.string().max(2000),
  /** Validated as a JSON Schema (src/contracts/json-schema.ts), not any value. */
  parameters: ToolParametersSchema,
});
export type ToolSpec = z.infer<typeof ToolSpecSchema>;

/** The contract; the proxy's hot path parses with parseChatRequest (src/contracts/fast-parse.ts) first. */
export const ChatRequestSchema = z
  .object({
    model: z.string().min(1).max(100),
    messages: z.array(ChatMessageSchema).min(1).max(200),
    tools: z.array(ToolSpecSchema).max(32).default([]),
    maxTokens: z.number().int().positive().max(8192).default(1024),
  })
  .strict();
export type ChatRequest = z.output<typeof ChatRequestSchema>;

export interface ChatResponse {
  message: { content: string | null; toolCalls: ToolCall[] };
  usage: { promptTokens: number; completionTokens: number };
  model: string;
}

/** Tool names are op names with dots as underscores: customer.read → customer_read. */
export const toolName = (op: string) => op.replace(/\./g, "_");
