import type { PiiKind } from "../../scan/index.ts";

/**
 * A system of record plugged into the proxy. Records come back raw; the proxy
 * tokenizes them by the PII declaration of their record type before any agent
 * sees them. An organisation adds a connector by implementing this interface
 * and declaring its fields (docs/membrane.md).
 */
export type FieldKind = PiiKind | "FREE_TEXT";
export type PiiDeclaration = Readonly<Record<string, FieldKind>>;

export interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  phone: string;
  address: string;
  tier: string;
}

export interface OrderRecord {
  id: string;
  customerId: string;
  item: string;
  total: number;
  currency: string;
  status: string;
  placedAt: string;
}

export interface CaseRecord {
  id: string;
  customerId: string;
  subject: string;
  notes: string;
  status: string;
  openedAt: string;
}

/** Which fields are PII, per record type. Declared, never guessed. */
export const PII_FIELDS = {
  customer: { name: "NAME", email: "EMAIL", phone: "PHONE", address: "ADDRESS" },
  order: { item: "FREE_TEXT" },
  case: { subject: "FREE_TEXT", notes: "FREE_TEXT" },
  shipment: { recipient: "NAME", address: "ADDRESS", phone: "PHONE", notes: "FREE_TEXT" },
} as const satisfies Record<string, PiiDeclaration>;

export interface ShipmentRecord {
  orderId: string;
  carrier: string;
  trackingNumber: string;
  status: string;
  eta: string | null;
  recipient: string;
  address: string;
  phone: string;
  notes: string;
}

/** A carrier's tracking API: an external system reached over HTTP by the proxy only. */
export interface ShippingSystem {
  getShipment(orderId: string): Promise<ShipmentRecord | null>;
}

export interface SystemOfRecord {
  getCustomer(id: string): Promise<CustomerRecord | null>;
  getOrder(id: string): Promise<OrderRecord | null>;
  listOrders(customerId: string): Promise<OrderRecord[]>;
  getCase(id: string): Promise<CaseRecord | null>;
  /** Cents already refunded on an order, across all tasks. */
  refundedCents(orderId: string): Promise<number>;
}
