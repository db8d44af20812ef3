import { auditableText } from "../audit/agent-text.ts";
import type { ChatRequest, ChatResponse } from "../contracts/llm.ts";
import { type ErrorCode, SiloError } from "../errors/index.ts";
import { type LlmEnv, type LlmRoute, llmRoute } from "../llm/provider.ts";
import type { Gate } from "./admission.ts";
import { type CompletionForPeople, type completionForPeople, type MaskedSpan, mapStrings, unmask } from "./masking.ts";

/**
 * llm.chat's vault work and the model call in one vault RPC (Vault.llmChat):
 * mask the agent's strings, check what will leave, reserve the budget
 * (Vault.llmPrepare), call the model from the vault, then settle the
 * reservation and tokenize the completion (Vault.llmSettle), in that order.
 *
 * The model call is a fetch from the Durable Object: its input gate opens
 * while it waits, so other calls of the task may run in between. Nothing
 * here spans that wait but the reservation, which is written (a check and
 * an insert with no await between, src/vault/ledger.ts) before the request
 * leaves, and the output gate holds the request until that write is durable:
 * interleaved calls see each other's reservations and cannot spend the
 * budget twice, and a crash leaves the reservation counted (fail closed).
 */
export interface LlmChatCall {
  /** The agent's request as the proxy validated it: never sent as is (masked first). */
  request: ChatRequest;
  /** The key's grant: the task's model token budget. */
  budget: number;
  /** The prompt's estimate (src/proxy/ledger/tokens.ts). */
  promptTokens: number;
  /** Who calls, with which keys: admitted again once the model answered (a hand-off or a close may come in between). */
  caller: { principal: string; jtis: readonly string[] };
}

export type LlmChatOutcome =
  | {
      ok: true;
      /** The completion, tokenized, with the agent's masked spans back in its own spelling. */
      message: ChatResponse["message"];
      usage: ChatResponse["usage"];
      model: string;
      /** The task's model tokens spent or reserved, this call settled. */
      used: number;
      /** The allowed row's detail, journaled by the same step (stepDetail). */
      audit: Record<string, unknown>;
    }
  | { ok: false; code: ErrorCode; message?: string };

type Prepared =
  | { ok: true; mask: { texts: string[]; masked: MaskedSpan[] }; reservation: { id: string; maxTokens: number } }
  | { ok: false; code: "budget_exhausted" | "pii_in_prompt"; kinds: string[] };

/** The vault's side of the call: its methods, and the admission check against its state now. */
export interface LlmVaultPort {
  prepare(texts: string[], r: { budget: number; promptTokens: number; maxTokens: number }): Promise<Prepared>;
  /** Throws on a closed vault (nothing is written to it). */
  settle(
    reservationId: string,
    tokens: number,
    texts: string[],
    people?: CompletionForPeople,
  ): Promise<{ used: number; texts: string[]; audit?: ReturnType<typeof completionForPeople> }>;
  /** The caller's keys, admitted against the vault's state now. */
  admitted(): Promise<Gate>;
}

export async function chatInVault(env: LlmEnv, vault: LlmVaultPort, call: LlmChatCall): Promise<LlmChatOutcome> {
  const req = call.request;
  // Before the budget is touched: no configured model, no call.
  let route: LlmRoute;
  try {
    route = llmRoute(env);
  } catch (err) {
    return failure(err);
  }
  const body = { messages: req.messages, tools: req.tools };
  const strings: string[] = [];
  mapStrings(body, (s) => {
    strings.push(s);
    return s;
  });
  const pre = await vault.prepare(strings, {
    budget: call.budget,
    promptTokens: call.promptTokens,
    maxTokens: req.maxTokens,
  });
  if (!pre.ok && pre.code === "budget_exhausted")
    return {
      ok: false,
      code: "budget_exhausted",
      message: `the task's model budget of ${call.budget} tokens is spent`,
    };
  if (!pre.ok)
    return {
      ok: false,
      code: "pii_in_prompt",
      message: `the prompt contains real values of this task (${pre.kinds.join(", ")}); send tokens instead`,
    };
  const { texts, masked } = pre.mask;
  const { reservation } = pre;
  let i = 0;
  const request = { ...req, ...(mapStrings(body, () => texts[i++]!) as typeof body) };
  let res: ChatResponse;
  try {
    res = await route.provider.chat({
      ...request,
      maxTokens: reservation.maxTokens,
      model: req.model === "default" ? route.model : req.model,
    });
  } catch (err) {
    // Nothing was used: the reservation is released (left counted if it cannot be: fail closed).
    await vault.settle(reservation.id, 0, []).catch(() => undefined);
    return failure(err);
  }
  // A hand-off or the task's end while the model was asked: the completion is not for these keys.
  const gate = await vault.admitted();
  if (!gate.ok) {
    await vault.settle(reservation.id, spentBy(res), []).catch(() => undefined);
    return { ok: false, code: gate.code };
  }
  const last = request.messages.at(-1);
  const input = last && "content" in last ? unmask(String(last.content ?? ""), masked, (m) => m.shown) : null;
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
  // Settle with the provider's usage and tokenize content and tool arguments; the row's view of the completion with it.
  const out = [res.message.content ?? "", ...res.message.toolCalls.map((c) => JSON.stringify(c.arguments))];
  const people = { masked, content: res.message.content !== null, toolNames: res.message.toolCalls.map((c) => c.name) };
  const settled = await vault.settle(reservation.id, spentBy(res), out, people);
  const toolCalls = res.message.toolCalls.map((c, n) => ({
    ...c,
    arguments: JSON.parse(settled.texts[n + 1]!) as Record<string, unknown>,
  }));
  const message = { content: res.message.content === null ? null : settled.texts[0]!, toolCalls };
  return {
    ok: true,
    message: restore(message, masked),
    usage: res.usage,
    model: res.model,
    used: settled.used,
    audit: { ...detail, ...settled.audit },
  };
}

const spentBy = (res: ChatResponse) => res.usage.promptTokens + res.usage.completionTokens;

/** The agent's masked spans back in its own spelling, so its answer does not depend on what was real. */
function restore(message: ChatResponse["message"], masked: readonly MaskedSpan[]): ChatResponse["message"] {
  if (masked.length === 0) return message;
  const back = (s: string) => unmask(s, masked, (m) => m.literal);
  return {
    content: message.content === null ? null : back(message.content),
    toolCalls: message.toolCalls.map((c) => ({
      ...c,
      arguments: mapStrings(c.arguments, back) as Record<string, unknown>,
    })),
  };
}

/** A provider's fault keeps its code (llm_unavailable …); anything else fails closed as the proxy's ops do. */
function failure(err: unknown): LlmChatOutcome & { ok: false } {
  if (err instanceof SiloError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: "store_unavailable", message: "a backing store is unavailable; nothing was done" };
}
