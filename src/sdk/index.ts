/**
 * The agent SDK. An agent is a Worker whose only binding is PROXY; this module
 * turns a handler into that Worker's RPC entrypoint and gives it typed calls
 * through the proxy. Nothing here keeps state between invocations.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { AgentInvocation, AgentResult } from "../contracts/agent.ts";
import type { OpArgsOf, OpName, ProxyCall, ProxyResult } from "../contracts/proxy.ts";
import { type ErrorCode, SiloError } from "../errors/index.ts";
import { actionKey } from "./loop.ts";

export type { AgentInvocation, AgentResult } from "../contracts/agent.ts";
export { type ModelLoopOptions, runModelLoop } from "./loop.ts";
export { type Identity, toolsFor } from "./tools.ts";

/** The proxy as an agent sees it: one method. */
export interface ProxyBinding {
  call(request: ProxyCall): Promise<ProxyResult>;
}

/**
 * Every agent's env, written by hand rather than generated per agent (`npm run
 * types`): each agent's config binds PROXY and nothing else
 * (test/cell-config.test.ts), and `wrangler types` would type it as a bare Service.
 */
export interface AgentEnv {
  PROXY: ProxyBinding;
}

/** A refusal from the proxy, with its stable code (the same codes as everywhere else). */
export class ToolError extends SiloError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = "ToolError";
  }
}

export interface AgentContext {
  taskId: string;
  /** The customer's message, tokenized. */
  message: string;
  context: AgentInvocation["context"];
  /** Call a proxy operation with this task's keys. Throws ToolError on refusal. */
  call<N extends OpName>(op: N, args: OpArgsOf<N>, opts?: { idempotencyKey?: string }): Promise<any>;
  /** Like call, but returns the refusal instead of throwing. */
  tryCall<N extends OpName>(op: N, args: OpArgsOf<N>, opts?: { idempotencyKey?: string }): Promise<ProxyResult>;
  /** A deterministic idempotency key for an action of this task, namespaced by the label. */
  idempotencyKey(label: string): string;
}

export type AgentHandler = (ctx: AgentContext) => Promise<AgentResult>;

export function defineAgent(handler: AgentHandler) {
  return class Agent extends WorkerEntrypoint<AgentEnv> {
    /**
     * `proxy` is given only in namespace mode, where the router hands the
     * agent its labelled proxy door with the call instead of a binding.
     */
    async run(invocation: AgentInvocation, proxy?: ProxyBinding): Promise<AgentResult> {
      return handler(agentContext(proxy ?? this.env.PROXY, invocation));
    }
  };
}

export function agentContext(proxy: ProxyBinding, inv: AgentInvocation): AgentContext {
  const tryCall = (op: OpName, args: unknown, opts?: { idempotencyKey?: string }) =>
    proxy.call({ baseKey: inv.baseKey, taskKey: inv.taskKey, op, args: args as Record<string, unknown>, ...opts });
  return {
    taskId: inv.taskId,
    message: inv.message,
    context: inv.context,
    tryCall,
    async call(op, args, opts) {
      const res = await tryCall(op, args, opts);
      if (!res.ok) throw new ToolError(res.error, res.message);
      return res.result;
    },
    idempotencyKey: (label) => actionKey(inv.taskId, label),
  };
}
