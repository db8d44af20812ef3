/**
 * Boots the whole system (every Worker in one real workerd) for a test file,
 * with the hostile fixture agent registered beside the shipped agents.
 */
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterAll, beforeAll } from "vitest";
import type { Capability } from "../../src/contracts/capabilities.ts";
import type { Scope } from "../../src/keys/claims.ts";
import { activeSigner } from "../../src/keys/keyring.ts";
import { mintBaseKey, mintTaskKey } from "../../src/keys/sign.ts";
import { generateSecrets, type LocalSecrets } from "../../tools/local/secrets.ts";
import { ROOT, type System, type SystemOptions, startSystem } from "../../tools/local/system.ts";

export const HOSTILE = join(ROOT, "test/fixtures/agents/hostile-agent");
export const PUPPET = join(ROOT, "test/fixtures/agents/puppet-agent");
export const TAP = join(ROOT, "test/fixtures/tap/main.ts");
export const BUDGET = join(ROOT, "test/fixtures/agents/budget-agent");
export const STEPPER = join(ROOT, "test/fixtures/agents/stepper-agent");
export const SPENDER = join(ROOT, "test/fixtures/agents/spender-agent");
export const FLOOD = join(ROOT, "test/fixtures/agents/flood-agent");
export const FAULTY = join(ROOT, "test/fixtures/agents/faulty-agent");
export const APPROVAL = join(ROOT, "test/fixtures/agents/approval-agent");
export const APPROVAL_PUPPET = join(ROOT, "test/fixtures/agents/approval-puppet");
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
  api(
    path: string,
    init?: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
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
  mintPair(o: {
    principal: string;
    taskId: string;
    caps?: Capability[];
    customer?: string;
    caseId?: string;
    now?: Date;
    signingKeys?: string;
  }): Promise<{ baseKey: string; taskKey: string }>;
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

/**
 * Drive the hostile or the puppet agent. A run's keys die when it returns,
 * so "replay" is a new step of the agent's task: while the agent still holds
 * the task, the harness mints it fresh keys with the same grant and scope and
 * admits them in the vault, as the router does for a run. Once the task has
 * moved on (another holder, closed) the stashed keys are sent as they are.
 */
/** An attack from inside `agent`; a replay gets a fresh key pair admitted by the task's vault (keys die when a run returns). */
export async function drive(
  sys: System,
  secrets: LocalSecrets,
  agent: string,
  attack: Record<string, unknown>,
  taskId = "tsk_000000000000",
): Promise<any> {
  const send = async (body: Record<string, unknown>): Promise<any> => {
    if (sys.agentMode !== "service") {
      // Outside service mode the cell exists only for a hop: the driver opens it through the router's seam.
      const driver = await sys.mf.getWorker("test-cell-driver");
      return (
        await driver.fetch("http://driver/", {
          method: "POST",
          body: JSON.stringify({ agent, taskId, method: "attack", arg: body }),
        })
      ).json();
    }
    const worker = await sys.mf.getWorker(agent);
    return (await worker.fetch(`http://${agent}/`, { method: "POST", body: JSON.stringify(body) })).json();
  };
  if (attack.attack !== "replay") return send(attack);
  const stashed = (await send({ attack: "keys", ...(attack.taskId ? { taskId: attack.taskId } : {}) })) as {
    baseKey: string;
    taskKey: string;
  } | null;
  if (!stashed) return send(attack);
  const base = decodeJwt(stashed.baseKey) as { sub: string; tid: string; caps: Capability[] };
  const ns = await sys.mf.getDurableObjectNamespace("VAULT", "siloos-proxy");
  const vault = ns.get(ns.idFromName(base.tid)) as unknown as VaultForHarness;
  if ((await vault.meta())?.principal !== base.sub) return send({ ...attack, attack: "call", ...stashed });
  // One fresh pair per run's keys, shared by concurrent replays: a hand-off per
  // replay would revoke the pair a concurrent replay is using.
  let fresh = freshKeys.get(stashed.baseKey);
  if (!fresh) {
    fresh = mintFresh(secrets, vault, base, decodeJwt(stashed.taskKey) as { scope: Scope });
    freshKeys.set(stashed.baseKey, fresh);
  }
  return send({ ...attack, attack: "call", ...(await fresh) });
}

type VaultForHarness = {
  meta(): Promise<{ principal: string } | null>;
  handoff(p: string, j: string[]): Promise<boolean>;
};
const freshKeys = new Map<string, Promise<{ baseKey: string; taskKey: string }>>();

async function mintFresh(
  secrets: LocalSecrets,
  vault: VaultForHarness,
  base: { sub: string; tid: string; caps: Capability[] },
  task: { scope: Scope },
) {
  const signer = await activeSigner(secrets.SILOOS_SIGNING_KEYS);
  const common = { signer, principal: base.sub, taskId: base.tid, ttlSeconds: 300 };
  const [b, t] = await Promise.all([
    mintBaseKey({ ...common, caps: base.caps }),
    mintTaskKey({ ...common, scope: task.scope }),
  ]);
  await vault.handoff(base.sub, [b.jti, t.jti]);
  return { baseKey: b.token, taskKey: t.token };
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
    const send = () =>
      sys.mf.dispatchFetch(new URL(path, sys.url).href, {
        method: init.method ?? (body ? "POST" : "GET"),
        headers,
        body,
      });
    // A 413 answered before the body is read can close the socket under a
    // client still writing (EPIPE): one retry on a fresh connection.
    const res = await send().catch((err: unknown) => {
      if (/EPIPE|ECONNRESET|other side closed|socket/i.test(String((err as { cause?: unknown })?.cause ?? err)))
        return send();
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
      // A run that outlasts the synchronous wait (an agent retried after a throw) answers 202: follow it.
      if (res.status === 202 && res.body?.taskId) {
        for (let i = 0; i < 800; i++) {
          const now = await api(`/v1/tasks/${res.body.taskId}`);
          if (now.status === 200 && (now.body.status !== "open" || now.body.outcome !== null)) return now.body;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
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
      return drive(sys, secrets, agent, attack, taskId);
    },
    async puppet(attack) {
      return drive(sys, secrets, "puppet-agent", attack);
    },
    async drive(agent, attack) {
      return drive(sys, secrets, agent, attack);
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
      const task = await mintTaskKey({
        ...common,
        scope: { customer: o.customer ?? "cus_1001", ...(o.caseId ? { case: o.caseId } : {}) },
      });
      return { baseKey: base.token, taskKey: task.token };
    },
  };
}
