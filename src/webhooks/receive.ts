import type { ProxyResult } from "../contracts/proxy.ts";
import type { Db } from "../db/index.ts";
import { SiloError } from "../errors/index.ts";
import { claimDelivery, findDelivery, releaseDelivery } from "./deliveries.ts";
import { verifySignature } from "./signature.ts";
import { WEBHOOK_SOURCES } from "./sources/index.ts";
import type { TaskDraft } from "./sources/source.ts";

export const DELIVERY_HEADER = "x-siloos-delivery";

export interface WebhookRequest {
  source: string;
  signatureHeader: string | undefined;
  deliveryHeader: string | undefined;
  contentType: string | undefined;
  /** The raw body bytes, exactly as signed. */
  body: Uint8Array;
}

/**
 * What a delivery needs from the rest of SiloOS, passed in by the router's
 * webhook route: the webhook room translates its transport and never imports
 * the router (the task lifecycle lives there, src/router/lifecycle/).
 */
export interface WebhookPorts<Started> {
  db: Db;
  /** Source name -> its current secrets. */
  secrets: ReadonlyMap<string, readonly string[]>;
  /** The proxy's answer for the requester's email (only the proxy reads the CRM). */
  customerIdByEmail(email: string): Promise<ProxyResult<{ customerId: string }>>;
  newTaskId(): string;
  /** Start the task through the lifecycle, under the id the delivery claimed. */
  startTask(taskId: string, task: { customerId: string; draft: TaskDraft }): Promise<Started>;
  /** A task's status, or undefined when it has no row. */
  taskStatus(taskId: string): Promise<string | undefined>;
}

export type WebhookResult<Started> =
  | { status: 201; body: Started }
  | { status: 200; body: { taskId: string; duplicate: true; status: string } };

/**
 * One webhook delivery: authenticate (signature over the raw bytes), then
 * parse and validate, then claim the delivery id so that however many copies
 * arrive, one task starts. Nothing is written before the signature holds.
 */
export async function receiveWebhook<Started>(
  ports: WebhookPorts<Started>,
  req: WebhookRequest,
): Promise<WebhookResult<Started>> {
  const source = WEBHOOK_SOURCES.get(req.source);
  const secrets = ports.secrets.get(req.source);
  if (!source || !secrets) throw new SiloError("unknown_source", "no webhook source by this name is configured");
  const { digest } = await verifySignature(secrets, req.signatureHeader, req.body);
  const deliveryId = parseDeliveryId(req.deliveryHeader);
  const draft = source.draft(parseJson(req.contentType, req.body));

  const { db } = ports;
  const earlier = await findDelivery(db, source.name, deliveryId, digest);
  if (earlier) return duplicateOf(ports, earlier);
  const customerId = await resolveRequester(ports, draft.requesterEmail);
  const taskId = ports.newTaskId();
  if (
    !(await claimDelivery(db, {
      taskId,
      source: source.name,
      deliveryId,
      signatureDigest: digest,
      receivedAt: Date.now(),
    }))
  ) {
    const winner = await findDelivery(db, source.name, deliveryId, digest);
    if (!winner) throw new SiloError("conflict", "a copy of this delivery is being processed; retry shortly");
    return duplicateOf(ports, winner);
  }
  try {
    return { status: 201, body: await ports.startTask(taskId, { customerId, draft }) };
  } catch (err) {
    // No task row means no agent ran: free the claim so a retry can start it.
    // A task row (even a failed one) keeps the claim: a retry must never act twice.
    const status = await ports.taskStatus(taskId).catch(() => "unknown" as const);
    if (status === undefined) await releaseDelivery(db, taskId).catch(() => undefined);
    throw err;
  }
}

/** The original delivery's task; 409 while its task row does not exist yet, so the sender retries. */
async function duplicateOf<Started>(ports: WebhookPorts<Started>, taskId: string): Promise<WebhookResult<Started>> {
  const status = await ports.taskStatus(taskId);
  if (!status) throw new SiloError("conflict", "a copy of this delivery is being processed; retry shortly");
  return { status: 200, body: { taskId, duplicate: true, status } };
}

async function resolveRequester(ports: WebhookPorts<unknown>, email: string): Promise<string> {
  const res = await ports.customerIdByEmail(email);
  if (res.ok) return res.result.customerId;
  if (res.error === "unknown_record")
    throw new SiloError("unknown_requester", "no customer has the requester's email; nothing was created");
  throw new SiloError(res.error, res.message);
}

function parseDeliveryId(header: string | undefined): string {
  const id = header?.trim();
  if (!id)
    throw new SiloError("validation_failed", "the X-SiloOS-Delivery header (the sender's delivery id) is required");
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id))
    throw new SiloError("validation_failed", "X-SiloOS-Delivery must be 1-128 letters, digits, '.', '_', ':' or '-'");
  return id;
}

function parseJson(contentType: string | undefined, body: Uint8Array): unknown {
  if (!/^application\/json\b/i.test(contentType ?? ""))
    throw new SiloError("unsupported_media_type", "send Content-Type: application/json");
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw new SiloError("invalid_json", "the body is not valid UTF-8 JSON");
  }
}
