import { TOKEN_PATTERN } from "../contracts/tokens.ts";
import type { PiiKind } from "../scan/index.ts";

/**
 * Where a token's value came from. The hydration policy (docs/membrane.md,
 * "Provenance and hydration") decides by it: a value an agent or a model
 * wrote can never leave the proxy as a real value, whatever token it got.
 *
 * - `record`:   a PII field of a record of the task's customer (or a known
 *               value the system of record holds for them);
 * - `customer`: the customer's own message, a webhook's text;
 * - `agent`:    text an agent or a model wrote (replies, completions,
 *               summaries, arguments).
 */
export type Provenance = "record" | "customer" | "agent";

const TRUST: Record<Provenance, number> = { agent: 0, customer: 1, record: 2 };

/**
 * The provenance a token keeps when its value is seen again: the more trusted
 * one. Agent text never upgrades a token, and a token first minted from agent
 * text is upgraded only by a record or the customer's own words.
 */
export function mergeProvenance(held: Provenance, seen: Provenance): Provenance {
  return TRUST[seen] > TRUST[held] ? seen : held;
}

/** Entries persisted before provenance existed are treated as the least trusted. */
export function provenanceOf(entry: { source?: Provenance }): Provenance {
  return entry.source ?? "agent";
}

/** Kinds that leave the proxy only masked: a reader of an email or a chat must not get the full number. */
export const MASKED_KINDS: ReadonlySet<PiiKind> = new Set<PiiKind>(["CARD", "IBAN", "SSN"]);

/** `•••• 1111`: the last four characters that are letters or digits, nothing else. */
export function maskValue(value: string): string {
  const tail = value.replace(/[^A-Za-z0-9]/g, "").slice(-4);
  return `•••• ${tail}`;
}

export interface HydrationEntry {
  kind: PiiKind;
  value: string;
  source?: Provenance;
}

export interface OutboundHydration {
  text: string;
  /** Tokens this task never issued. */
  unknown: string[];
  /** Tokens left as tokens because an agent or a model wrote their value. */
  withheld: string[];
}

/**
 * Outbound text (a reply shown to the customer, free text in an email):
 * record and customer tokens become their values, cards, IBANs and national
 * ids masked; a token whose value an agent or a model wrote stays a token.
 */
export function hydrateOutbound(
  text: string,
  lookup: (token: string) => HydrationEntry | undefined,
): OutboundHydration {
  const unknown: string[] = [];
  const withheld: string[] = [];
  const out = text.replace(TOKEN_PATTERN, (token) => {
    const entry = lookup(token);
    if (!entry) {
      unknown.push(token);
      return token;
    }
    if (provenanceOf(entry) === "agent") {
      withheld.push(token);
      return token;
    }
    return MASKED_KINDS.has(entry.kind) ? maskValue(entry.value) : entry.value;
  });
  return { text: out, unknown, withheld };
}
