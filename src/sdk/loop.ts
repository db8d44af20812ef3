import type { AgentResult } from "../contracts/agent.ts";
import { findCapability } from "../contracts/find-capability.ts";
import type { ChatMessage, ChatResponse, ToolCall } from "../contracts/llm.ts";
import type { AgentContext } from "./index.ts";
import { openingMessages, type TranscriptLine } from "./prompt.ts";
import { type Identity, opForTool, toolsFor } from "./tools.ts";

export interface ModelLoopOptions {
  /** instructions.md: the agent's procedure, given to the model as its system prompt. */
  instructions: string;
  /** Most model calls in one invocation; past it the agent hands the task on. */
  stepBudget?: number;
}

/**
 * The tool-calling loop: ask the model (through the proxy's gateway), run
 * the tools it calls (through the proxy), feed the results back, until it
 * finishes, escalates, or a budget runs out. Nothing outlives the invocation:
 * the conversation so far comes from the proxy's tokenized transcript.
 */
export async function runModelLoop(ctx: AgentContext, opts: ModelLoopOptions): Promise<AgentResult> {
  const me = (await ctx.call("whoami", {})) as Identity;
  const llm = findCapability(me.capabilities, "llm.chat");
  if (!llm) return { status: "failed", reason: "this agent has no llm.chat grant" };
  const tools = toolsFor(me);
  const transcript = (await ctx.call("transcript.read", {})) as TranscriptLine[];
  const messages: ChatMessage[] = [
    ...openingMessages(opts.instructions, me, ctx, transcript),
    // The SDK already asked whoami: hand the answer over instead of a second round trip.
    { role: "assistant", content: null, toolCalls: [{ id: "call_whoami", name: "whoami", arguments: {} }] },
    { role: "tool", toolCallId: "call_whoami", name: "whoami", content: JSON.stringify(me) },
  ];
  const budget = opts.stepBudget ?? 12;
  for (let step = 0; step < budget; step++) {
    const res = await ctx.tryCall("llm.chat", { model: llm.models[0]!, messages, tools });
    if (!res.ok) return handOff(me, `model call refused: ${res.error}`);
    const { message } = res.result as ChatResponse;
    messages.push({ role: "assistant", content: message.content, toolCalls: message.toolCalls });
    if (message.toolCalls.length === 0) return finishWithText(ctx, message.content);
    for (const call of message.toolCalls) {
      const ended = endOfTurn(call);
      if (ended) return ended;
      messages.push({
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content: JSON.stringify(await runTool(ctx, call)),
      });
    }
  }
  return handOff(me, `step budget of ${budget} model calls exhausted`);
}

function endOfTurn(call: ToolCall): AgentResult | undefined {
  const a = call.arguments;
  if (call.name === "finish") {
    const summary = String(a.summary ?? "").slice(0, 2000);
    return a.status === "failed"
      ? { status: "failed", reason: summary || "the model gave up" }
      : { status: "completed", summary };
  }
  if (call.name === "escalate") {
    return {
      status: "escalate",
      target: String(a.target ?? "human:support"),
      reason: String(a.reason ?? "escalated").slice(0, 500) || "escalated",
      summary: String(a.summary ?? "").slice(0, 2000),
    };
  }
  return undefined;
}

async function runTool(ctx: AgentContext, call: ToolCall): Promise<unknown> {
  const op = opForTool(call.name);
  if (!op || op === "llm.chat") return { error: "unknown_tool", message: `no tool named ${call.name}` };
  // Same call, same key: a retried or repeated action never acts twice.
  const res = await ctx.tryCall(op, call.arguments as never, {
    idempotencyKey: ctx.idempotencyKey(`${op}.${fingerprint(call.arguments)}`),
  });
  if (!res.ok) return { error: res.error, message: res.message };
  return isPendingApproval(res.result) ? { ...res.result, next: PENDING_APPROVAL_NEXT } : res.result;
}

/**
 * A held action is not done and not refused: a person of `role` decides it
 * later and the proxy runs it as held. The model is told so in the tool
 * result, so it tells the customer what happens next instead of retrying.
 */
export const PENDING_APPROVAL_NEXT =
  "Held for approval: nothing has happened yet. Do not retry or change it. Tell the customer who decides and that they will hear the outcome here, then finish or carry on.";

export function isPendingApproval(
  result: unknown,
): result is { status: "pending_approval"; actionId: string; role: string } {
  return !!result && typeof result === "object" && (result as { status?: unknown }).status === "pending_approval";
}

async function finishWithText(ctx: AgentContext, text: string | null): Promise<AgentResult> {
  if (text?.trim())
    await ctx.tryCall(
      "reply.send",
      { text: text.slice(0, 4000) },
      { idempotencyKey: ctx.idempotencyKey(`reply.${fingerprint(text)}`) },
    );
  return { status: "completed", summary: "answered the customer" };
}

/** When the agent cannot go on, the task goes to a person rather than being dropped. */
function handOff(me: Identity, reason: string): AgentResult {
  const human = findCapability(me.capabilities, "escalate")?.targets.find((t) => t.startsWith("human:"));
  return human ? { status: "escalate", target: human, reason, summary: reason } : { status: "failed", reason };
}

/**
 * The SDK's default idempotency key: namespaced by the action (label = op +
 * argument fingerprint) and mixed with the task; deterministic, so a retried
 * or resumed run never acts twice. The proxy scopes keys to the principal and
 * the op and checks the arguments' hash, so guessing one gains nothing.
 */
export function actionKey(taskId: string, label: string): string {
  return `${label.slice(0, 60)}.${fingerprint(`${taskId}|${label}`)}`;
}

/** FNV-1a over the JSON of the arguments: a short, stable idempotency suffix. */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
