import { eq, sum } from "drizzle-orm";
import type { Db } from "../../db/index.ts";
import { cases, customers, orders, refunds } from "../../db/schema.ts";
import type { CaseRecord, CustomerRecord, OrderRecord, SystemOfRecord } from "./types.ts";

/** The demo CRM: customers, orders, cases and refunds in the proxy's D1. */
export function d1Crm(db: Db): SystemOfRecord {
  return {
    async getCustomer(id) {
      const row = await db.select().from(customers).where(eq(customers.id, id)).get();
      if (!row) return null;
      const { createdAt: _created, ...customer } = row;
      return customer satisfies CustomerRecord;
    },
    async getOrder(id) {
      const row = await db.select().from(orders).where(eq(orders.id, id)).get();
      return row ? toOrder(row) : null;
    },
    async listOrders(customerId) {
      const rows = await db.select().from(orders).where(eq(orders.customerId, customerId)).orderBy(orders.placedAt);
      return rows.map(toOrder);
    },
    async getCase(id) {
      const row = await db.select().from(cases).where(eq(cases.id, id)).get();
      if (!row) return null;
      const { openedAt, ...rest } = row;
      return { ...rest, openedAt: new Date(openedAt).toISOString() } satisfies CaseRecord;
    },
    async refundedCents(orderId) {
      const row = await db
        .select({ total: sum(refunds.amountCents) })
        .from(refunds)
        .where(eq(refunds.orderId, orderId))
        .get();
      return Number(row?.total ?? 0);
    },
  };
}

/**
 * The order read as a raw statement, for a batch of someone else's (refund.issue
 * reads it with its idempotency claim): the columns named as the schema's
 * fields, so orderFromRow maps it like getOrder does.
 */
export function orderStatement(d1: D1Database, id: string): D1PreparedStatement {
  return d1
    .prepare(
      "SELECT id, customer_id AS customerId, item, total_cents AS totalCents, currency, status, placed_at AS placedAt FROM orders WHERE id = ?",
    )
    .bind(id);
}

/** orderStatement's row as getOrder's record (null: no such order). */
export function orderFromRow(row: unknown): OrderRecord | null {
  return row ? toOrder(row as typeof orders.$inferSelect) : null;
}

function toOrder(row: typeof orders.$inferSelect): OrderRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    item: row.item,
    total: row.totalCents / 100,
    currency: row.currency,
    status: row.status,
    placedAt: new Date(row.placedAt).toISOString(),
  };
}
