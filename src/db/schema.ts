import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The D1 schema. Kernel tables (tasks, audit_log, agent_status) belong to the
 * router; the demo systems of record (customers … outbox) sit behind the
 * proxy's D1 connector and are never bound to an agent.
 */

export const TASK_STATUSES = ["open", "queued_human", "completed", "failed", "expired"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const tasks = sqliteTable("tasks", {
  id: text("id").primaryKey(),
  /** Who holds the task now: `agent:<name>` or `human:<role>`. */
  assignee: text("assignee").notNull(),
  intent: text("intent"),
  customerId: text("customer_id").notNull(),
  caseId: text("case_id"),
  status: text("status", { enum: TASK_STATUSES }).notNull(),
  /** Outcome of the last run: completed | escalated | failed. */
  outcome: text("outcome"),
  /** Tokenized summary from the last run; never a raw value. */
  summary: text("summary"),
  channel: text("channel").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/** Append-only: triggers in the migration refuse UPDATE and DELETE. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    taskId: text("task_id"),
    actor: text("actor").notNull(),
    event: text("event").notNull(),
    op: text("op"),
    decision: text("decision", { enum: ["allowed", "refused"] }),
    reason: text("reason"),
    /** JSON, tokenized: key ids, tokenized arguments, never a raw value or a key. */
    detail: text("detail"),
  },
  (t) => [index("audit_task_idx").on(t.taskId, t.seq)],
);

export const customers = sqliteTable("customers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  phone: text("phone").notNull(),
  address: text("address").notNull(),
  tier: text("tier").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const orders = sqliteTable("orders", {
  id: text("id").primaryKey(),
  customerId: text("customer_id").notNull(),
  item: text("item").notNull(),
  totalCents: integer("total_cents").notNull(),
  currency: text("currency").notNull(),
  status: text("status").notNull(),
  placedAt: integer("placed_at").notNull(),
});

export const cases = sqliteTable("cases", {
  id: text("id").primaryKey(),
  customerId: text("customer_id").notNull(),
  subject: text("subject").notNull(),
  notes: text("notes").notNull(),
  status: text("status").notNull(),
  openedAt: integer("opened_at").notNull(),
});

export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    taskId: text("task_id").notNull(),
    orderId: text("order_id").notNull(),
    customerId: text("customer_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    actor: text("actor").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("refunds_idem_idx").on(t.taskId, t.idempotencyKey)],
);

export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    taskId: text("task_id").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    template: text("template").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** queued → sending → sent, or dead (the dead letter) after the last attempt. */
    status: text("status").notNull(),
    createdAt: integer("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** A code (provider_http_503, provider_unreachable …), never the provider's text. */
    lastError: text("last_error"),
    providerId: text("provider_id"),
    updatedAt: integer("updated_at"),
  },
  (t) => [uniqueIndex("outbox_idem_idx").on(t.taskId, t.idempotencyKey)],
);

export const operators = sqliteTable("operators", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  role: text("role").notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  /** The operator's Cloudflare Access identity (migration 0040). */
  email: text("email").unique(),
});

export const agentStatus = sqliteTable("agent_status", {
  name: text("name").primaryKey(),
  status: text("status", { enum: ["online", "offline"] }).notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * Webhook deliveries, claimed before their task starts so a redelivery never
 * starts a second task. Ids and times only: never the payload, never PII.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** Pre-generated before the claim; the task row follows under this id. */
    taskId: text("task_id").primaryKey(),
    source: text("source").notNull(),
    /** The sender's delivery id (X-SiloOS-Delivery). */
    deliveryId: text("delivery_id").notNull(),
    /** Keyed HMAC of the signed content: catches a replay under a new delivery id. */
    signatureDigest: text("signature_digest").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_delivery_idx").on(t.source, t.deliveryId),
    uniqueIndex("webhook_deliveries_digest_idx").on(t.source, t.signatureDigest),
  ],
);

export const widgetSessions = sqliteTable("widget_sessions", {
  id: text("id").primaryKey(),
  site: text("site").notNull(),
  customerId: text("customer_id").notNull(),
  taskId: text("task_id"),
  createdAt: integer("created_at").notNull(),
  windowStart: integer("window_start").notNull(),
  windowCount: integer("window_count").notNull(),
  /** Migration 0040: revoked sessions are refused; which identity token opened it (SHA-256). */
  revokedAt: integer("revoked_at"),
  identityDigest: text("identity_digest"),
});

/** The keyed hash chain over audit_log (src/audit/seal.ts); append-only like the log. */
export const auditSeals = sqliteTable("audit_seals", {
  seq: integer("seq").primaryKey(),
  chain: text("chain").notNull(),
  sealedAt: integer("sealed_at").notNull(),
});
