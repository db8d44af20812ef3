/**
 * The benchmark's customers: 2000 fictional people (example.com, 555 phones),
 * each with one delivered 50 USD order, and the message each one sends.
 * Pure apart from seedCustomers: also bundled into the probe Worker.
 */
import type { PiiKind } from "../../src/scan/index.ts";

export const CUSTOMERS = 2000;

const FIRST = ["Maria", "Kwame", "Yuki", "Priya", "Lars", "Fatima", "Connor", "Ana", "Wei", "Olga", "Tomás", "Aisha"];
const LAST = [
  "Alvarez",
  "Mensah",
  "Tanaka",
  "Raghunathan",
  "Eriksson",
  "Haddad",
  "Brien",
  "Souza",
  "Chen",
  "Petrova",
  "Ruiz",
  "Khan",
];

export interface Person {
  id: string;
  order: string;
  name: string;
  email: string;
  phone: string;
  address: string;
  /** Names themselves, gives an email, asks for the 50 USD (no other digits: the agent reads amounts). */
  message: string;
}

export function person(i: number): Person {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const n = String(i).padStart(4, "0");
  const name = `${first} ${last}`;
  const email = `${first}.${last}.${n}@example.com`.toLowerCase();
  const order = `ord_b${n}`;
  return {
    id: `cus_b${n}`,
    order,
    name,
    email,
    phone: `+1 415 555 ${String(i % 10000).padStart(4, "0")}`,
    address: `${100 + i} Market Street, San Francisco, CA 94105`,
    message: `Hi, this is ${name} (${email}). The lamp from order ${order} arrived broken, please refund the 50 USD.`,
  };
}

/** A vault holding this many tokens is the memory benchmark's case. */
export const TOKENS = 1000;
const KINDS: readonly PiiKind[] = ["NAME", "EMAIL", "PHONE", "CARD", "ADDRESS", "IBAN", "SSN", "IP"];

/** The i-th of 1 000 distinct, realistic-looking values; kinds in rotation. */
export function valueFor(i: number): { kind: PiiKind; value: string } {
  const kind = KINDS[i % KINDS.length]!;
  const n = String(i).padStart(4, "0");
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[(i >> 3) % LAST.length]!;
  switch (kind) {
    case "NAME":
      return {
        kind,
        value: `${first} ${last}-${n
          .split("")
          .map((d) => "abcdefghij"[Number(d)])
          .join("")}`,
      };
    case "EMAIL":
      return { kind, value: `${first}.${last}.${n}@example.com`.toLowerCase() };
    case "PHONE":
      return { kind, value: `+1 415 555 ${n}` };
    case "CARD":
      return { kind, value: `4111 1111 1111 ${n}` };
    case "ADDRESS":
      return { kind, value: `${100 + i} Market Street, San Francisco, CA 94105` };
    case "IBAN":
      return { kind, value: `DE89 3704 0044 0532 01${n}` };
    case "SSN":
      return { kind, value: `078-05-${n}` };
    default:
      return { kind, value: `2001:db8::${i.toString(16)}` };
  }
}

export function taskBody(p: Person): string {
  return JSON.stringify({ agent: "refund-agent", subject: { customerId: p.id }, message: p.message });
}

// D1 binds at most 100 parameters per statement: 20 customers x 5 values.
const ROWS = 20;

/** CUSTOMERS customers, each with one delivered 50 USD order, in one batch. */
export async function seedCustomers(db: D1Database, count = CUSTOMERS): Promise<void> {
  const stmts: D1PreparedStatement[] = [];
  for (let from = 0; from < count; from += ROWS) {
    const people = Array.from({ length: Math.min(ROWS, count - from) }, (_, k) => person(from + k));
    const cRows = people.map(() => "(?, ?, ?, ?, ?, 'standard', 1735689600000)").join(", ");
    stmts.push(
      db
        .prepare(`INSERT INTO customers (id, name, email, phone, address, tier, created_at) VALUES ${cRows}`)
        .bind(...people.flatMap((p) => [p.id, p.name, p.email, p.phone, p.address])),
    );
    const oRows = people.map(() => "(?, ?, 'Desk lamp', 5000, 'USD', 'delivered', 1762992000000)").join(", ");
    stmts.push(
      db
        .prepare(`INSERT INTO orders (id, customer_id, item, total_cents, currency, status, placed_at) VALUES ${oRows}`)
        .bind(...people.flatMap((p) => [p.order, p.id])),
    );
  }
  await db.batch(stmts);
}
