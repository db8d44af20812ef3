/**
 * The proxy (the membrane). No public route. May touch: D1 (systems of record,
 * audit log), the Vault Durable Object, the router's public keys. Agents bind
 * AgentGate (the default export); only the router binds RouterGate.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { AuditEvent } from "../audit/index.ts";
import type { ProxyResult } from "../contracts/proxy.ts";
import { registry } from "../registry/index.ts";
import type { Escalation } from "../vault/vault.ts";
import * as approvals from "./approvals/index.ts";
import type { ProxyEnv } from "./core/env.ts";
import { deadLetters, drainOutbox, type OutboxMessage, sweepOutbox } from "./core/outbox-consumer.ts";
import { handleCall, refuseFetch } from "./gate.ts";
import * as routerApi from "./router-api.ts";

export { Vault } from "../vault/vault.ts";
export { AgentRates } from "./ledger/agent-rates.ts";

interface CallerProps {
  /** Set by the binding in the caller's config, never by the caller's code. */
  agent?: string;
}

export default class AgentGate extends WorkerEntrypoint<ProxyEnv, CallerProps> {
  /** The one door of the cell: every agent call comes through here. */
  async call(request: unknown): Promise<ProxyResult> {
    const agent = this.ctx.props?.agent;
    // An unlabelled binding has no identity to act as: refuse every call.
    return handleCall(this.env, agent ? `agent:${agent}` : "agent:?", request);
  }

  /** Not a door: refused, and on the record like every other knock. */
  override async fetch(): Promise<Response> {
    return refuseFetch(this.env, this.ctx.props?.agent);
  }

  /** The outbox queue's consumer (a handler, not an RPC method: agents cannot call it). */
  override async queue(batch: MessageBatch<OutboxMessage>): Promise<void> {
    await drainOutbox(this.env, batch);
  }
}

export class RouterGate extends WorkerEntrypoint<ProxyEnv> {
  /** Liveness for /healthz: the proxy answers and its D1 answers. */
  async ping(): Promise<boolean> {
    await this.env.DB.prepare("SELECT 1").first();
    return true;
  }
  checkSubject(customerId: string, caseId: string | null) {
    return routerApi.checkSubject(this.env, customerId, caseId);
  }
  /** Webhooks: the requester's customer id, never the record. */
  customerIdByEmail(email: string) {
    return routerApi.customerIdByEmail(this.env, email);
  }
  openTask(req: routerApi.OpenTask) {
    return routerApi.openTask(this.env, req);
  }
  addMessage(taskId: string, text: string) {
    return routerApi.addMessage(this.env, taskId, text);
  }
  /** `journal`: the router's rows about the hand-off, journaled in the same vault RPC. */
  handoff(taskId: string, principal: string, jtis: string[], escalation?: Escalation, journal?: AuditEvent[]) {
    return routerApi.handoff(this.env, taskId, principal, jtis, escalation, journal);
  }
  /** The run that held these keys returned: they die now. `repliesSince`: its replies come back hydrated too. */
  revokeKeys(taskId: string, principal: string, jtis: string[], texts?: string[], repliesSince?: number) {
    return routerApi.revokeKeys(this.env, taskId, principal, jtis, texts, repliesSince);
  }
  /** The router's batch that carried the run's rows (revokeKeys' `journal`) committed, through this journal number. */
  journalShipped(taskId: string, through: number) {
    return routerApi.journalShipped(this.env, taskId, through);
  }
  replies(taskId: string, since: number) {
    return routerApi.replies(this.env, taskId, since);
  }
  tokenize(taskId: string, text: string) {
    return routerApi.tokenize(this.env, taskId, text);
  }
  watch(taskId: string, since: number) {
    return routerApi.watch(this.env, taskId, since);
  }
  conversation(taskId: string, since: number) {
    return routerApi.conversation(this.env, taskId, since);
  }
  /** The tokenized conversation, for the console: what an agent would see. */
  transcript(taskId: string) {
    return routerApi.transcript(this.env, taskId);
  }
  /** Before the audit log is read: the rows of these running tasks reach D1. */
  shipAudit(taskIds: string[]) {
    return routerApi.shipAudit(this.env, taskIds);
  }
  closeTask(taskId: string, reason: string) {
    return routerApi.closeTask(this.env, taskId, reason);
  }
  /** The outbox's dead letters, for the console: codes and ids, no address, no body. */
  deadLetters() {
    return deadLetters(this.env);
  }
  /** Cron: enqueue again the outbox rows whose queue message was lost. */
  sweepOutbox() {
    return sweepOutbox(this.env);
  }
  /**
   * The agent door for one hop in loader and namespace modes: this proxy's
   * own AgentGate, labelled with the agent's name exactly as a service
   * binding's `props.agent` labels it in service mode. The router names the
   * agent from its registry; the agent only ever holds the labelled stub.
   */
  agentDoor(agent: string): Fetcher {
    // Only a registered agent gets a door: a typo in the router must not mint a new identity.
    if (!registry.agents.some((a) => a.name === agent))
      throw new Error(`agentDoor: ${agent} is not a registered agent`);
    const exports = this.ctx.exports as unknown as { default: (o: { props: CallerProps }) => Fetcher };
    return exports.default({ props: { agent } });
  }
  /** Held actions a person of `role` may decide (docs/approvals.md). */
  pendingActions(role: string) {
    return approvals.pendingActions(this.env, role);
  }
  pendingCount(taskId: string) {
    return approvals.countPending(this.env, taskId);
  }
  /** A person's decision: the router vouches for who they are and their role; the held call runs as held. */
  decideActions(req: unknown) {
    return approvals.decideActions(this.env, req);
  }
  /** A human operator's call: the router vouches for who the human is. */
  callAs(principal: string, request: unknown): Promise<ProxyResult> {
    return handleCall(this.env, principal, request);
  }
}
