/**
 * refund-agent: stateless; one invocation = one step of one task. Follows
 * instructions.md; reaches the world only through its PROXY binding.
 */
import { defineAgent } from "../../src/sdk/index.ts";
import { refundTools, type Order } from "./tools.ts";

export default defineAgent(async (ctx) => {
  const tools = refundTools(ctx);
  const me = await tools.whoami();
  const customer = await tools.readCustomer(me.scope.customer);
  const orders = await tools.listOrders(me.scope.customer);
  const caseNotes = me.scope.case ? (await tools.readCase(me.scope.case)).notes : "";
  const asked = parseAmount(ctx.message);
  const order = pickOrder(orders, `${ctx.message} ${caseNotes}`, asked);
  if (!order) {
    await tools.reply(`Hello ${customer.name}, which order is this about? Please send the order number (ord_…).`);
    return { status: "completed", summary: "asked the customer for the order number" };
  }
  if (order.status === "shipped") {
    const shipment = await tools.trackShipment(order.id);
    const eta = shipment.eta ? `, expected ${shipment.eta}` : "";
    await tools.reply(`Hello ${customer.name}, order ${order.id} is on its way with ${shipment.carrier} (status ${shipment.status}${eta}), addressed to ${shipment.recipient}. If it has not arrived by then, write back and we will refund it.`);
    return { status: "completed", summary: `order ${order.id} still in transit; no refund before delivery` };
  }
  const amount = Math.min(asked ?? order.total, order.total);
  const limit = me.capabilities.find((c) => c.capability === "refund.issue")?.limit ?? 0;
  if (amount > limit) {
    await tools.reply(`Hello ${customer.name}, a refund of ${amount} ${order.currency} for order ${order.id} needs a manager's approval. A manager will review it shortly.`);
    return {
      status: "escalate",
      target: "manager-agent",
      reason: `refund of ${amount} ${order.currency} exceeds my limit of ${limit}`,
      summary: `Customer ${customer.name} asks for a refund of ${amount} ${order.currency} for order ${order.id} (${order.status}).`,
    };
  }
  await tools.issueRefund(order.id, amount, order.currency, `customer request: ${order.status} order`);
  await tools.emailConfirmation(customer.email, { name: customer.name, amount: amount.toFixed(2), currency: order.currency, orderId: order.id });
  await tools.reply(`Hello ${customer.name}, I have refunded ${amount.toFixed(2)} ${order.currency} for order ${order.id}. You will see it within 5 to 10 business days; a confirmation is on its way by email.`);
  return { status: "completed", summary: `refunded ${amount.toFixed(2)} ${order.currency} for ${order.id}` };
});

/** "700", "$700", "700.00 USD", "USD 700": the first money-looking number. */
export function parseAmount(text: string): number | undefined {
  const m = /(?:\$|USD\s*)?\b(\d{1,6}(?:[.,]\d{2})?)\b\s*(?:USD|dollars?)?/i.exec(text.replace(/ord_[A-Za-z0-9]+/g, ""));
  return m?.[1] ? Number(m[1].replace(",", ".")) : undefined;
}

function pickOrder(orders: Order[], message: string, amount: number | undefined): Order | undefined {
  const named = /\bord_[A-Za-z0-9]{4,32}\b/.exec(message)?.[0];
  if (named) return orders.find((o) => o.id === named && o.status !== "returned");
  const delivered = orders.filter((o) => o.status === "delivered");
  return delivered.find((o) => amount !== undefined && o.total === amount) ?? delivered.at(-1);
}
