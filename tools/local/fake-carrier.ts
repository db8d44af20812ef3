/**
 * A stand-in for an external carrier's tracking API, speaking the wire format
 * the HTTP connector expects (src/proxy/connectors/http-shipping.ts). Used by
 * `npm run dev` and the tests; real HTTP on loopback, a real bearer secret.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

const SHIPMENTS: Record<string, object> = {
  ord_5004: {
    order_id: "ord_5004",
    carrier: "Nippon Express Demo",
    tracking_number: "NXD-20261120-0042",
    status: "in_transit",
    eta: "2026-11-26",
    recipient: { name: "Yuki Tanaka", address: "4-2-8 Shibakoen, Minato-ku, Tokyo 105-0011", phone: "+81 3 5555 0147" },
    notes: "Driver called +81 3 5555 0147 on 2026-11-22, no answer; second attempt scheduled.",
  },
  ord_5001: {
    order_id: "ord_5001",
    carrier: "Demo Freight",
    tracking_number: "DF-0098-7731",
    status: "delivered",
    eta: null,
    recipient: {
      name: "Maria Alvarez",
      address: "742 Evergreen Terrace, Springfield, OR 97403",
      phone: "+1 415 555 0132",
    },
    notes: "Signed for by Maria Alvarez. Box corner crushed on arrival.",
  },
};

export interface CarrierRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface FakeCarrier {
  url: string;
  /** When true, the carrier answers 503 to everything (an outage). */
  down: boolean;
  requests: CarrierRequest[];
  close(): Promise<void>;
}

export async function startFakeCarrier(apiKey: string): Promise<FakeCarrier> {
  const requests: CarrierRequest[] = [];
  const state = { down: false };
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization });
    const send = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (state.down) return send(503, { error: "unavailable" });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(401, { error: "unauthorized" });
    const m = /^\/v1\/shipments\/([A-Za-z0-9_]+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m?.[1]) return send(404, { error: "not_found" });
    const shipment = SHIPMENTS[m[1]];
    return shipment ? send(200, shipment) : send(404, { error: "not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
