import { database, type Db } from "../db/index.ts";
import { SiloError } from "../errors/index.ts";
import { unwrap } from "../router/dispatch.ts";
import { webhookSecrets, type RouterEnv } from "../router/env.ts";
import { startTask } from "../router/lifecycle.ts";
import { getTask, newTaskId } from "../router/task-rows.ts";
import { claimDelivery, findDelivery, releaseDelivery } from "./deliveries.ts";
import { verifySignature } from "./signature.ts";
import { WEBHOOK_SOURCES } from "./sources/index.ts";

export const DELIVERY_HEADER = "x-siloos-delivery";

export interface WebhookRequest {
  source: string;
  signatureHeader: string | undefined;
  deliveryHeader: string | undefined;
  contentType: string | undefined;
  /** The raw body bytes, exactly as signed. */
  body: Uint8Array;
}

export type WebhookResult =
  | { status: 201; body: Awaited<ReturnType<typeof startTask>> }
  | { status: 200; body: { taskId: string; duplicate: true; status: string } };

/**
 * One webhook delivery: authenticate (signature over the raw bytes), then
 * parse and validate, then claim the delivery id so that however many copies
 * arrive, one task starts. Nothing is written before the signature holds.
 */
export async function receiveWebhook(env: RouterEnv, req: WebhookRequest): Promise<WebhookResult> {
  const source = WEBHOOK_SOURCES.get(req.source);
  const secrets = webhookSecrets(env).get(req.source);
  if (!source || !secrets) throw new SiloError("unknown_source", "no webhook source by this name is configured");
  const { digest } = await verifySignature(secrets, req.signatureHeader, req.body);
  const deliveryId = parseDeliveryId(req.deliveryHeader);
  const draft = source.draft(parseJson(req.contentType, req.body));

  const db = database(env.DB);
  const earlier = await findDelivery(db, source.name, deliveryId, digest);
  if (earlier) return duplicateOf(db, earlier);
  const customerId = await resolveRequester(env, draft.requesterEmail);
  const taskId = newTaskId();
  if (!(await claimDelivery(db, { taskId, source: source.name, deliveryId, signatureDigest: digest, receivedAt: Date.now() }))) {
    const winner = await findDelivery(db, source.name, deliveryId, digest);
    if (!winner) throw new SiloError("conflict", "a copy of this delivery is being processed; retry shortly");
    return duplicateOf(db, winner);
  }
  try {
    const started = await startTask(env, { intent: draft.intent, subject: { customerId }, message: draft.message, channel: "webhook", taskId });
    return { status: 201, body: started };
  } catch (err) {
    // No task row means no agent ran: free the claim so a retry can start it.
    // A task row (even a failed one) keeps the claim: a retry must never act twice.
    const row = await getTask(db, taskId).catch(() => "unknown" as const);
    if (row === undefined) await releaseDelivery(db, taskId).catch(() => undefined);
    throw err;
  }
}

/** The original delivery's task; 409 while its task row does not exist yet, so the sender retries. */
async function duplicateOf(db: Db, taskId: string): Promise<WebhookResult> {
  const row = await getTask(db, taskId);
  if (!row) throw new SiloError("conflict", "a copy of this delivery is being processed; retry shortly");
  return { status: 200, body: { taskId, duplicate: true, status: row.status } };
}

/** Only the proxy reads the CRM: it answers with the customer id, never the record. */
async function resolveRequester(env: RouterEnv, email: string): Promise<string> {
  const res = await env.PROXY.customerIdByEmail(email);
  if (!res.ok && res.error === "unknown_record") throw new SiloError("unknown_requester", "no customer has the requester's email; nothing was created");
  return unwrap(res).customerId;
}

function parseDeliveryId(header: string | undefined): string {
  const id = header?.trim();
  if (!id) throw new SiloError("validation_failed", "the X-SiloOS-Delivery header (the sender's delivery id) is required");
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) throw new SiloError("validation_failed", "X-SiloOS-Delivery must be 1-128 letters, digits, '.', '_', ':' or '-'");
  return id;
}

function parseJson(contentType: string | undefined, body: Uint8Array): unknown {
  if (!/^application\/json\b/i.test(contentType ?? "")) throw new SiloError("unsupported_media_type", "send Content-Type: application/json");
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw new SiloError("invalid_json", "the body is not valid UTF-8 JSON");
  }
}
