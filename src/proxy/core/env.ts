import type { JSONWebKeySet } from "jose";
import { parseVerifyJwks } from "../../keys/keyring.ts";
import type { LlmEnv } from "../../llm/provider.ts";
import type { Vault } from "../../vault/vault.ts";
import type { SendEmailBinding } from "../mail/mail.ts";
import type { OutboxMessage } from "./outbox-consumer.ts";

/**
 * Everything the proxy can touch; agents get none of it. The bindings of its
 * wrangler.toml as `wrangler types` reads them (ProxyBindings,
 * worker-env.generated.d.ts, `npm run types`), plus what no config lists:
 * secrets and the optional vars and bindings of a production setup.
 */
export interface ProxyEnv extends LlmEnv, Omit<ProxyBindings, "OUTBOX_QUEUE"> {
  /** Generated as Queue<unknown>: email.send enqueues the committed row's id; the consumer delivers it. */
  OUTBOX_QUEUE: Queue<OutboxMessage>;
  /** The router's public keys (JWK set JSON). */
  SILOOS_VERIFY_JWKS: string;
  /** The carrier's tracking API (HTTP connector); its key is a proxy-only secret. */
  SHIPPING_API_URL?: string;
  SHIPPING_API_KEY?: string;
  /** Cloudflare Email Service binding and sender; absent locally (the outbox is the mailbox). */
  EMAIL?: SendEmailBinding;
  SILOOS_MAIL_FROM?: string;
  /** How long (ms) a vault's audit journal waits before its alarm ships it to D1 (src/vault/journal.ts); default 1000. */
  SILOOS_AUDIT_SHIP_MS?: string;
  /** The organisation's domains: the only hosts an agent-written reply may link to. */
  SILOOS_LINK_DOMAINS?: string;
  /** A Resend-compatible mail API; its key is a proxy-only secret. */
  SILOOS_MAIL_URL?: string;
  SILOOS_MAIL_API_KEY?: string;
  /** Deliveries tried before a message is dead-lettered (default 5), and the first retry delay (default 10 s). */
  SILOOS_MAIL_MAX_ATTEMPTS?: string;
  SILOOS_MAIL_RETRY_SECONDS?: string;
  /** How long (s) the record read to open a task answers customer.read without a D1 read (recordSnapshotMs); default 60. */
  SILOOS_RECORD_SNAPSHOT_SECONDS?: string;
  /** Bench only ("1"): each call logs its wall-clock phases (src/vault/trace.ts, scripts/task-profile.ts). */
  SILOOS_BENCH_TRACE?: string;
}

/** SILOOS_RECORD_SNAPSHOT_SECONDS's default: a task's reads come within seconds of its start. */
const RECORD_SNAPSHOT_SECONDS = 60;

/**
 * How old (ms) the snapshot of a record taken when the task opened may be and
 * still answer a read of it (src/vault/snapshots.ts). Unset: 60 s; "0": never,
 * every read goes to the system of record; a value that is not a number of
 * seconds ≥ 0 also means never: a bad setting may cost a round trip, never
 * stretch how stale an answer can be.
 */
export function recordSnapshotMs(env: Pick<ProxyEnv, "SILOOS_RECORD_SNAPSHOT_SECONDS">): number {
  const raw = env.SILOOS_RECORD_SNAPSHOT_SECONDS?.trim();
  if (raw === undefined || raw === "") return RECORD_SNAPSHOT_SECONDS * 1000;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;
}

const jwksCache = new Map<string, JSONWebKeySet>();

/** Parsed once per isolate; a missing or bad value fails every call closed. */
export function verifyJwks(env: ProxyEnv): JSONWebKeySet {
  let jwks = jwksCache.get(env.SILOOS_VERIFY_JWKS);
  if (!jwks) {
    jwks = parseVerifyJwks(env.SILOOS_VERIFY_JWKS);
    jwksCache.set(env.SILOOS_VERIFY_JWKS, jwks);
  }
  return jwks;
}

/**
 * A task's vault id, derived once per isolate (idFromName hashes the name on
 * every call, and a task makes a dozen calls): by namespace, since an id is only
 * good for the namespace that made it. The id is a name's constant; the stub is
 * made afresh for each call, as before. Capped, and dropped whole when full.
 */
const MAX_VAULT_IDS = 1024;
const vaultIds = new WeakMap<ProxyEnv["VAULT"], Map<string, DurableObjectId>>();

export function vaultFor(env: ProxyEnv, taskId: string): DurableObjectStub<Vault> {
  const ns = env.VAULT;
  let ids = vaultIds.get(ns);
  if (!ids) {
    ids = new Map();
    vaultIds.set(ns, ids);
  }
  let id = ids.get(taskId);
  if (!id) {
    id = ns.idFromName(taskId);
    if (ids.size >= MAX_VAULT_IDS) ids.clear();
    ids.set(taskId, id);
  }
  return ns.get(id);
}
