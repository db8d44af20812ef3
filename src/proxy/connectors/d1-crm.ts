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
