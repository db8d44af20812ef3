import { z } from "zod";
import { escalationTarget } from "./capabilities.ts";

/**
 * What the previous holder of a task wrote when it handed the task on: data,
 * never authority. It is kept apart from the customer's messages and the
 * records, so the next agent (and its model) can tell who said what; an
 * action's arguments come from the customer and the records, not from here.
 */
export interface HandoffNote {
  /** Who wrote it: `agent:<name>` or `human:<operator>`. Never the customer. */
  from: string;
  provenance: "agent-written" | "operator-written";
  reason: string;
  summary: string;
}

/** What the router hands an agent for one step of one task. */
export interface AgentInvocation {
  taskId: string;
  baseKey: string;
  taskKey: string;
  /** The customer's message, tokenized by the proxy: the customer's words only. */
  message: string;
  /**
   * Task context the router adds: the channel; on a hand-off, who handed it
   * and their note (reason and summary exactly as they wrote them, marked as
   * agent-written: not the customer's words).
   */
  context: { channel: string; escalatedFrom?: string; handoff?: HandoffNote };
}

const summary = z.string().max(2000);

/** What an agent may return: anything else is treated as a failed run. */
export const AgentResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("completed"), summary }).strict(),
  z
    .object({ status: z.literal("escalate"), target: escalationTarget, reason: z.string().min(1).max(500), summary })
    .strict(),
  z.object({ status: z.literal("failed"), reason: z.string().min(1).max(500) }).strict(),
]);
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** The RPC surface of every agent Worker. */
export interface AgentService {
  run(invocation: AgentInvocation): Promise<unknown>;
}
