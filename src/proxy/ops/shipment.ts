import { SiloError } from "../../errors/index.ts";
import { httpShipping } from "../connectors/http-shipping.ts";
import { PII_FIELDS } from "../connectors/types.ts";
import type { OpDefinition } from "../core/context.ts";

/** shipment.track: the carrier's view of one of this customer's orders, tokenized. */
export const shipmentTrack: OpDefinition<"shipment.track"> = {
  capability: "shipment.track",
  async run(ctx, { orderId }) {
    const order = await ctx.crm.getOrder(orderId);
    if (!order || order.customerId !== ctx.auth.task.scope.customer) {
      throw new SiloError("scope_denied", "the task key does not name this order");
    }
    const { SHIPPING_API_URL: baseUrl, SHIPPING_API_KEY: apiKey } = ctx.env;
    if (!baseUrl || !apiKey) throw new SiloError("store_unavailable", "no shipping system is configured");
    const shipment = await httpShipping({ baseUrl, apiKey }).getShipment(orderId);
    if (!shipment) throw new SiloError("unknown_record", "the carrier has no shipment for this order");
    const tokenized = await ctx.vault
      .auditNext({ orderId, carrier: shipment.carrier, status: shipment.status })
      .tokenizeRecord({ ...shipment }, PII_FIELDS.shipment);
    return { result: tokenized, detail: { orderId, carrier: shipment.carrier, status: shipment.status } };
  },
};
