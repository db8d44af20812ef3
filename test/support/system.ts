/**
 * Boots the whole system (every Worker in one real workerd) for a test file,
 * with the hostile fixture agent registered beside the shipped agents.
 */
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { activeSigner } from "../../src/keys/keyring.ts";
import { mintBaseKey, mintTaskKey } from "../../src/keys/sign.ts";
import type { Capability } from "../../src/contracts/capabilities.ts";
import { generateSecrets, type LocalSecrets } from "../../src/local/secrets.ts";
import { ROOT, startSystem, type System, type SystemOptions } from "../../src/local/system.ts";

export const HOSTILE = join(ROOT, "test/fixtures/agents/hostile-agent");
export const PUPPET = join(ROOT, "test/fixtures/agents/puppet-agent");
export const TAP = join(ROOT, "test/fixtures/tap/main.ts");
export const BUDGET = join(ROOT, "test/fixtures/agents/budget-agent");
export const STEPPER = join(ROOT, "test/fixtures/agents/stepper-agent");
export const SPENDER = join(ROOT, "test/fixtures/agents/spender-agent");
export const FLOOD = join(ROOT, "test/fixtures/agents/flood-agent");
export const FLAKY_VAULT = join(ROOT, "test/fixtures/flaky-vault/main.ts");
export const CELL_DRIVER = join(ROOT, "test/fixtures/cell-driver/main.ts");

export interface AuditEntry {
  seq: number;
  taskId: string | null;
  actor: string;
  event: string;
  op: string | null;
  decision: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

export interface Harness {
  sys: System;
  secrets: LocalSecrets;
  api(path: string, init?: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  createTask(body: Record<string, unknown>): Promise<any>;
  audit(taskId?: string): Promise<AuditEntry[]>;
  /** An attack from inside the hostile agent; outside service mode, through the router's cell seam for `taskId`. */
  hostile(attack: Record<string, unknown>, taskId?: string, agent?: string): Promise<any>;
  puppet(attack: Record<string, unknown>): Promise<any>;
  /** Drive any fixture agent built on the hostile agent's code (spender-agent, flood-agent …). */
  drive(agent: string, attack: Record<string, unknown>): Promise<any>;
  /** Everything that crossed into a tapped agent (requires the tap option). */
  tapped(agent: string): Promise<Array<{ direction: string; payload: unknown }>>;
  vault(taskId: string): Promise<any>;
  mintPair(o: { principal: string; taskId: string; caps?: Capability[]; customer?: string; caseId?: string; now?: Date; signingKeys?: string }): Promise<{ baseKey: string; taskKey: string }>;
}

export function useSystem(opts: Partial<SystemOptions> = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    const secrets = await generateSecrets();
    const driver = opts.agentMode && opts.agentMode !== "service" ? { cellDriver: CELL_DRIVER } : {};
    const sys = await startSystem({ secrets, extraAgents: [HOSTILE, PUPPET], ...driver, ...opts });
    Object.assign(h, harness(sys, secrets));
  });
  afterAll(async () => {
    await h.sys?.dispose();
  });
  return h;
}

function harness(sys: System, secrets: LocalSecrets): Harness {
  const api: Harness["api"] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? secrets.SILOOS_API_KEY : init.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    const send = () => sys.mf.dispatchFetch(new URL(path, sys.url).href, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
    // A 413 answered before the body is read can close the socket under a
    // client still writing (EPIPE): one retry on a fresh connection.
    const res = await send().catch((err: unknown) => {
      if (/EPIPE|ECONNRESET|other side closed|socket/i.test(String((err as { cause?: unknown })?.cause ?? err))) return send();
      throw err;
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed };
  };
  return {
    sys,
    secrets,
    api,
    async createTask(body) {
      const res = await api("/v1/tasks", { body });
      if (res.status !== 201) throw new Error(`task creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async audit(taskId) {
      const q = taskId ? `?taskId=${taskId}&limit=1000` : "?limit=1000";
      const res = await api(`/v1/audit${q}`, { key: secrets.SILOOS_ADMIN_KEY });
      if (res.status !== 200) throw new Error(`audit read failed: ${res.status}`);
      return res.body.entries as AuditEntry[];
    },
    async hostile(attack, taskId = "tsk_000000000000", agent = "hostile-agent") {
      if (sys.agentMode !== "service") {
        const driver = await sys.mf.getWorker("test-cell-driver");
        const res = await driver.fetch("http://driver/", { method: "POST", body: JSON.stringify({ agent, taskId, method: "attack", arg: attack }) });
        return res.json();
      }
      const worker = await sys.mf.getWorker(agent);
      const res = await worker.fetch("http://hostile/", { method: "POST", body: JSON.stringify(attack) });
      return res.json();
    },
    async puppet(attack) {
      const worker = await sys.mf.getWorker("puppet-agent");
      const res = await worker.fetch("http://puppet/", { method: "POST", body: JSON.stringify(attack) });
      return res.json();
    },
    async drive(agent, attack) {
      const worker = await sys.mf.getWorker(agent);
      const res = await worker.fetch(`http://${agent}/`, { method: "POST", body: JSON.stringify(attack) });
      return res.json();
    },
    async tapped(agent) {
      const worker = await sys.mf.getWorker(`tap-${agent}`);
      return (await (await worker.fetch("http://tap/")).json()) as Array<{ direction: string; payload: unknown }>;
    },
    async vault(taskId) {
      const ns = await sys.mf.getDurableObjectNamespace("VAULT", "siloos-proxy");
      return ns.get(ns.idFromName(taskId));
    },
    async mintPair(o) {
      const signer = await activeSigner(o.signingKeys ?? secrets.SILOOS_SIGNING_KEYS);
      const common = { signer, principal: o.principal, taskId: o.taskId, ttlSeconds: 300, now: o.now };
      const base = await mintBaseKey({ ...common, caps: o.caps ?? [{ capability: "customer.read" }] });
      const task = await mintTaskKey({ ...common, scope: { customer: o.customer ?? "cus_1001", ...(o.caseId ? { case: o.caseId } : {}) } });
      return { baseKey: base.token, taskKey: task.token };
    },
  };
}
