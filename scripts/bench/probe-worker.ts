/**
 * Bench-only Worker: the unit costs SiloOS adds to a task, each repeated n
 * times in one request (Node times the request, minus an empty one): a D1
 * audit-row insert, a D1 point read, a Durable Object RPC, verifying a key
 * pair, minting one, scanning a new customer's message (the known-value
 * matcher compiled first, as for every new known-value set) and scanning a
 * 4 KB prompt with an already compiled matcher.
 */
import { eq } from "drizzle-orm";
import { appendAudit } from "../../src/audit/index.ts";
import { database } from "../../src/db/index.ts";
import { customers } from "../../src/db/schema.ts";
import { generateSigningKey } from "../../src/keys/generate.ts";
import { publicJwks } from "../../src/keys/keyring.ts";
import { verifyBaseKey, verifyTaskKey } from "../../src/keys/verify.ts";
import { knownValuesOf } from "../../src/proxy/router-api.ts";
import { findAgent, registry } from "../../src/registry/index.ts";
import { mintKeyPair } from "../../src/router/dispatch/mint-keys.ts";
import { findPii, type PiiKind } from "../../src/scan/index.ts";
import { TokenTable } from "../../src/vault/table.ts";
import type { Vault } from "../../src/vault/vault.ts";
import type { BareState } from "./bare/state.ts";
import { chatMessages } from "./chat-text.ts";
import { person, valueFor } from "./people.ts";

export { Vault } from "../../src/vault/vault.ts";

interface Env {
  DB: D1Database;
  STATE: DurableObjectNamespace<BareState>;
  VAULT: DurableObjectNamespace<Vault>;
}

const TASK = "tsk_0123456789abcdef01234567";
let keys: Promise<{ signing: string; jwks: ReturnType<typeof publicJwks>; base: string; task: string }> | undefined;
let fresh = 0; // a new customer per compile, so no known-value cache hit
const PROMPT = chatMessages(4096)
  .messages.map((m) => m.text)
  .join("\n");
const customerOf = (i: number) => {
  const p = person(i);
  return {
    p,
    known: knownValuesOf({
      id: p.id,
      name: p.name,
      email: p.email,
      phone: p.phone,
      address: p.address,
      tier: "standard",
    }),
  };
};
const STEADY = customerOf(0).known;

function setup() {
  keys ??= (async () => {
    const key = await generateSigningKey("bench");
    const signing = JSON.stringify([key]);
    const caps = findAgent(registry, "refund-agent")?.caps ?? [];
    const pair = await mintKeyPair(signing, "agent:refund-agent", TASK, caps, { customer: "cus_b0000" });
    return { signing, jwks: publicJwks([key]), base: pair.base.token, task: pair.task.token };
  })();
  return keys;
}

async function once(env: Env, op: string, i: number): Promise<void> {
  const k = await setup();
  switch (op) {
    case "d1-audit":
      return appendAudit(database(env.DB), {
        taskId: TASK,
        actor: "agent:refund-agent",
        event: "proxy.call",
        op: "whoami",
        decision: "allowed",
        detail: { keys: { base: "0".repeat(32), task: "1".repeat(32) } },
      });
    case "d1-read":
      await database(env.DB)
        .select()
        .from(customers)
        .where(eq(customers.id, person(i % 2000).id))
        .get();
      return;
    case "do-rpc":
      await env.STATE.get(env.STATE.idFromName(TASK)).meta();
      return;
    case "verify":
      await Promise.all([verifyBaseKey(k.jwks, k.base), verifyTaskKey(k.jwks, k.task)]);
      return;
    case "mint":
      await mintKeyPair(k.signing, "agent:refund-agent", TASK, findAgent(registry, "refund-agent")?.caps ?? [], {
        customer: "cus_b0000",
      });
      return;
    case "compile": {
      const { p, known } = customerOf(100_000 + fresh++);
      const table = new TokenTable();
      table.known = known;
      table.tokenize(p.message);
      return;
    }
    case "prompt":
      findPii(PROMPT, STEADY);
      return;
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    const op = url.searchParams.get("op") ?? "noop";
    const n = Math.min(Number(url.searchParams.get("n") ?? "1"), 2000);
    if (op === "vault-fill") return Response.json(await fillVault(env, n));
    await setup();
    if (op !== "noop") for (let i = 0; i < n; i++) await once(env, op, i);
    return Response.json({ op, n });
  },
};

/**
 * A real Vault (same class as the proxy's) opened for a task and filled
 * with n distinct values through tokenizeRecord, as a connector read would.
 */
async function fillVault(env: Env, n: number) {
  const taskId = `tsk_fill${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
  const vault = env.VAULT.get(env.VAULT.idFromName(taskId));
  await vault.open({
    taskId,
    principal: "agent:refund-agent",
    jtis: [],
    scope: { customer: "cus_b0000" },
    expiresAt: Date.now() + 600_000,
    known: [],
  });
  const record: Record<string, string> = {};
  const pii: Record<string, PiiKind> = {};
  for (let i = 0; i < n; i++) {
    const v = valueFor(i);
    record[`f${i}`] = v.value;
    pii[`f${i}`] = v.kind;
  }
  const t0 = Date.now();
  await vault.tokenizeRecord(record, pii);
  const fillMs = Date.now() - t0;
  const stats = await vault.stats();
  await vault.close();
  return { fillMs, tokens: stats.tokens, keys: stats.keys };
}
