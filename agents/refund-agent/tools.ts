import type { AgentContext } from "../../src/sdk/index.ts";

/** The refund agent's tools: each one is a call through the proxy. */
export interface Order {
  id: string;
  total: number;
  currency: string;
  status: string;
  placedAt: string;
}

export interface Me {
  scope: { customer: string; case?: string };
  capabilities: Array<{ capability: string; limit?: number; currency?: string }>;
}

export function refundTools(ctx: AgentContext) {
  return {
    whoami: (): Promise<Me> => ctx.call("whoami", {}),
    readCustomer: (customerId: string): Promise<{ id: string; name: string; email: string }> =>
      ctx.call("customer.read", { customerId }),
    listOrders: (customerId: string): Promise<Order[]> => ctx.call("orders.list", { customerId }),
    trackShipment: (orderId: string): Promise<{ status: string; eta: string | null; carrier: string; recipient: string }> =>
      ctx.call("shipment.track", { orderId }),
    readCase: (caseId: string): Promise<{ id: string; subject: string; notes: string }> => ctx.call("case.read", { caseId }),
    issueRefund: (orderId: string, amount: number, currency: string, reason: string) =>
      ctx.call("refund.issue", { orderId, amount, currency, reason }, { idempotencyKey: ctx.idempotencyKey(`refund.${orderId}`) }),
    emailConfirmation: (to: string, variables: Record<string, string>) =>
      ctx.call("email.send", { template: "refund-confirmation", to, variables }, { idempotencyKey: ctx.idempotencyKey("email.refund-confirmation") }),
    reply: (text: string) =>
      ctx.call("reply.send", { text }, { idempotencyKey: ctx.idempotencyKey(`reply.${text.length}`) }),
  };
}
