/**
 * The red-team convention: every hostile test is declared with `attack()`,
 * naming the surface it attacks (the cell's membrane from inside, or the
 * public edge from outside), its class, and the evidence it asserts.
 * `npm run redteam` runs these tests and prints the table from their names,
 * so the table can never list an attack that no test performs.
 *
 * Title format (parsed by scripts/redteam.ts):
 *   "attack <surface>/<class>: <what the attacker tries> => <evidence>"
 */
import { it } from "vitest";

export type Surface = "cell" | "edge";
export type AttackClass =
  | "egress"
  | "rpc-surface"
  | "keys"
  | "scope"
  | "limits"
  | "races"
  | "exfiltration"
  | "oracles"
  | "audit-injection"
  | "escalation"
  | "idempotency"
  | "compromised-model"
  | "rate-limits"
  | "auth"
  | "sessions"
  | "headers"
  | "webhooks"
  | "widget"
  | "console"
  | "input";

export interface Attack {
  surface: Surface;
  class: AttackClass;
  /** What the attacker tries, in a few words (unique per surface/class). */
  tries: string;
  /** What the test checks to call it held (a refusal code, an audit row, a count). */
  evidence: string;
}

export const attackTitle = (a: Attack) => `attack ${a.surface}/${a.class}: ${a.tries} => ${a.evidence}`;

/** A hostile test: `attack({ surface, class, tries, evidence }, async () => { ... })`. */
export function attack(a: Attack, fn: () => Promise<void> | void, timeout?: number): void {
  it(attackTitle(a), fn, timeout);
}
