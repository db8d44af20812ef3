/**
 * manager-agent: stateless; reviews one escalated refund per invocation.
 * Follows instructions.md; reaches the world only through its PROXY binding.
 */
import { defineAgent } from "../../src/sdk/index.ts";

interface Order {
  id: string;
  total: number;
  currency: string;
  status: string;
}

export default defineAgent(async (ctx) => {
  const me = await ctx.call("whoami", {});
  const customerId: string = me.scope.customer;
  const customer = await ctx.call("customer.read", { customerId });
  const orders: Order[] = await ctx.call("orders.list", { customerId });
  const brief = `${ctx.context.summary ?? ""} ${ctx.context.escalationReason ?? ""} ${ctx.message}`;
  const orderId = /\bord_[A-Za-z0-9]{4,32}\b/.exec(brief)?.[0];
  const order = orders.find((o) => o.id === orderId);
  const reply = (text: string) => ctx.call("reply.send", { text }, { idempotencyKey: ctx.idempotencyKey(`manager.reply.${text.length}`) });
  if (!order) {
    await reply(`Hello ${customer.name}, I could not verify the order for this request. Please reply with the order number.`);
    return { status: "completed", summary: "denied: order not verified" };
  }
  const amountMatch = /refund of (\d+(?:\.\d{1,2})?)/.exec(brief);
  const amount = Math.min(amountMatch?.[1] ? Number(amountMatch[1]) : order.total, order.total);
  const limit: number = me.capabilities.find((c: { capability: string }) => c.capability === "refund.issue")?.limit ?? 0;
  if (!["delivered", "returned"].includes(order.status)) {
    await reply(`Hello ${customer.name}, order ${order.id} is ${order.status}; refunds apply once it is delivered or returned.`);
    return { status: "completed", summary: `denied: order ${order.id} is ${order.status}` };
  }
  if (amount > limit) {
    await reply(`Hello ${customer.name}, a senior colleague will follow up on your refund for order ${order.id}.`);
    return { status: "escalate", target: "human:support", reason: `refund of ${amount} ${order.currency} exceeds the manager limit of ${limit}`, summary: `Refund of ${amount} ${order.currency} for ${order.id}` };
  }
  await ctx.call("refund.issue", { orderId: order.id, amount, currency: order.currency, reason: "approved on escalation" }, { idempotencyKey: ctx.idempotencyKey(`refund.${order.id}`) });
  await ctx.call("email.send", { template: "refund-approved", to: customer.email, variables: { name: customer.name, amount: amount.toFixed(2), currency: order.currency, orderId: order.id } }, { idempotencyKey: ctx.idempotencyKey("email.refund-approved") });
  await reply(`Hello ${customer.name}, a manager approved your refund of ${amount.toFixed(2)} ${order.currency} for order ${order.id}. A confirmation is on its way by email.`);
  return { status: "completed", summary: `approved and refunded ${amount.toFixed(2)} ${order.currency} for ${order.id}` };
});
