import { z } from "zod";
import { SiloError } from "../../errors/index.ts";
import type { ShipmentRecord, ShippingSystem } from "./types.ts";

/**
 * The HTTP connector: a carrier's REST API, called with a secret only the
 * proxy holds (SHIPPING_API_KEY). Responses are validated before use; the
 * proxy tokenizes them by PII_FIELDS.shipment before an agent sees them.
 *
 * Wire format (GET {base}/v1/shipments/{orderId}, Authorization: Bearer <key>):
 *   200 { order_id, carrier, tracking_number, status, eta, recipient: { name, address, phone }, notes }
 *   404 { error: "not_found" }
 */
const WireShipment = z.object({
  order_id: z.string(),
  carrier: z.string().max(100),
  tracking_number: z.string().max(100),
  status: z.string().max(50),
  eta: z.string().max(40).nullable(),
  recipient: z.object({ name: z.string().max(200), address: z.string().max(500), phone: z.string().max(50) }),
  notes: z.string().max(4000).default(""),
});

export interface HttpShippingConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export function httpShipping(cfg: HttpShippingConfig): ShippingSystem {
  return {
    async getShipment(orderId) {
      let res: Response;
      try {
        res = await fetch(`${cfg.baseUrl.replace(/\/$/, "")}/v1/shipments/${encodeURIComponent(orderId)}`, {
          headers: { authorization: `Bearer ${cfg.apiKey}`, accept: "application/json" },
          signal: AbortSignal.timeout(cfg.timeoutMs ?? 5000),
        });
      } catch {
        throw new SiloError("store_unavailable", "the shipping system did not answer");
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new SiloError("store_unavailable", `the shipping system answered ${res.status}`);
      const parsed = WireShipment.safeParse(await res.json().catch(() => null));
      if (!parsed.success)
        throw new SiloError("store_unavailable", "the shipping system answered in an unexpected shape");
      const w = parsed.data;
      return {
        orderId: w.order_id,
        carrier: w.carrier,
        trackingNumber: w.tracking_number,
        status: w.status,
        eta: w.eta,
        recipient: w.recipient.name,
        address: w.recipient.address,
        phone: w.recipient.phone,
        notes: w.notes,
      } satisfies ShipmentRecord;
    },
  };
}
