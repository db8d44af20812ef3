import { z } from "zod";
import { escalationTarget } from "./capabilities.ts";

/** What the router hands an agent for one step of one task. */
export interface AgentInvocation {
  taskId: string;
  baseKey: string;
  taskKey: string;
  /** The customer's message, tokenized by the proxy. */
  message: string;
  /** Task context the router adds: the channel; on escalation, the previous agent's reason and summary exactly as it wrote them (agent text, not the customer's). */
  context: { channel: string; escalatedFrom?: string; escalationReason?: string; summary?: string };
}

const summary = z.string().max(2000);

/** What an agent may return: anything else is treated as a failed run. */
export const AgentResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("completed"), summary }).strict(),
  z.object({ status: z.literal("escalate"), target: escalationTarget, reason: z.string().min(1).max(500), summary }).strict(),
  z.object({ status: z.literal("failed"), reason: z.string().min(1).max(500) }).strict(),
]);
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** The RPC surface of every agent Worker. */
export interface AgentService {
  run(invocation: AgentInvocation): Promise<unknown>;
}
