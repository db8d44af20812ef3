import { IDS_IN_TEXT, ORDER_IDS_IN_TEXT } from "../contracts/ids.ts";
import type { ChatRequest, ToolSpec } from "../contracts/llm.ts";
import { AGENT_WRITTEN_MARKER, CONTEXT_MARKER, HANDED_OVER, REFUND_INTENT } from "../contracts/prompt.ts";
import { TOKEN_PATTERN } from "../contracts/tokens.ts";

/** What the offline model reads from a request: its tools, the calls so far and their results. */
export interface Conversation {
  has(tool: string): boolean;
  called(tool: string): boolean;
  calls(tool: string): number;
  result(tool: string): Record<string, any> | undefined;
  scope(): { customer: string; case?: string } | undefined;
  customerName(): string;
  customerEmail(): string;
  customerText(): string;
  /** Did the customer's own words ask for money back? */
  asksForRefund(): boolean;
  /** Was the task handed over by another agent or a person (a hand-off note)? */
  handedOver(): boolean;
  order(): Order | undefined;
  amount(): number | undefined;
  refundLimit(): number;
  /** The grant's approval band above the limit (refunds up to upTo held for a person), if any. */
  refundApproval(): { role: string; upTo: number } | undefined;
  templates(): Array<{ name: string; variables: string[] }>;
  escalationTargets(): string[];
}

interface Order {
  id: string;
  total: number;
  currency: string;
  status: string;
}

export function readConversation(req: ChatRequest): Conversation {
  const tools = new Map<string, ToolSpec>(req.tools.map((t) => [t.name, t]));
  const names = new Map<string, string>();
  const results = new Map<string, Record<string, any>>();
  const counts = new Map<string, number>();
  for (const m of req.messages) {
    if (m.role === "assistant") {
      for (const c of m.toolCalls ?? []) {
        names.set(c.id, c.name);
        counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
      }
    } else if (m.role === "tool") {
      const name = names.get(m.toolCallId) ?? m.name;
      results.set(name, parseJson(m.content));
    }
  }
  const context = req.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content.split(CONTEXT_MARKER)[1] ?? "")
    .join("\n");
  // The customer's words and the records are the only grounds for an action's
  // arguments: the agent-written block (replies, a hand-off note) is never read for them.
  const users = req.messages.filter((m) => m.role === "user").map((m) => m.content);
  const userText = users.filter((t) => !t.startsWith(AGENT_WRITTEN_MARKER)).join("\n");
  const handedOver = context.split("\n").some((line) => line.startsWith(HANDED_OVER));
  const notes = String(results.get("case_read")?.notes ?? "");
  const talk = `${userText}\n${notes}`;
  const c: Conversation = {
    has: (t) => tools.has(t),
    called: (t) => (counts.get(t) ?? 0) > 0,
    calls: (t) => counts.get(t) ?? 0,
    result: (t) => results.get(t),
    scope: () => results.get("whoami")?.scope,
    customerName: () => String(results.get("customer_read")?.name ?? "there"),
    customerEmail: () => String(results.get("customer_read")?.email ?? ""),
    customerText: () => userText,
    asksForRefund: () => REFUND_INTENT.test(userText),
    handedOver: () => handedOver,
    // Handed over, the order must be one the customer or the records name: no guessing on another agent's say-so.
    order: () =>
      pickOrder((results.get("orders_list") as unknown as Order[] | undefined) ?? [], talk, c.amount(), !handedOver),
    amount: () => parseAmount(userText),
    refundLimit: () =>
      Number(
        (results.get("whoami")?.capabilities ?? []).find((x: { capability: string }) => x.capability === "refund.issue")
          ?.limit ?? 0,
      ),
    refundApproval: () =>
      (results.get("whoami")?.capabilities ?? []).find((x: { capability: string }) => x.capability === "refund.issue")
        ?.approval,
    templates: () => parseTemplates(tools.get("email_send")?.description ?? ""),
    escalationTargets: () => enumOf(tools.get("escalate"), "target"),
  };
  return c;
}

/** "refund-confirmation(name, amount, currency, orderId)" as written in the email tool's description. */
function parseTemplates(description: string): Array<{ name: string; variables: string[] }> {
  return [...description.matchAll(/([a-z][a-z0-9-]+)\(([^)]*)\)/g)].map((m) => ({
    name: m[1]!,
    variables: m[2]!
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  }));
}

function enumOf(tool: ToolSpec | undefined, prop: string): string[] {
  const props = (tool?.parameters as { properties?: Record<string, { enum?: string[] }> } | undefined)?.properties;
  return props?.[prop]?.enum ?? [];
}

/** "700", "$700", "700.00 USD", "USD 700": the first money-looking number, order ids excluded. */
export function parseAmount(text: string): number | undefined {
  const clean = text.replace(IDS_IN_TEXT, " ").replace(TOKEN_PATTERN, " ");
  const withCurrency =
    /(?:\$\s?|USD\s?)(\d{1,6}(?:\.\d{1,2})?)\b|\b(\d{1,6}(?:\.\d{1,2})?)\s?(?:USD|dollars?|\$)/i.exec(clean);
  const raw = withCurrency
    ? (withCurrency[1] ?? withCurrency[2])
    : /\brefund(?:\s+(?:of|for))?\s+(\d{1,6}(?:\.\d{1,2})?)\b/i.exec(clean)?.[1];
  return raw ? Number(raw) : undefined;
}

function pickOrder(orders: Order[], text: string, amount: number | undefined, guess: boolean): Order | undefined {
  const named = [...text.matchAll(ORDER_IDS_IN_TEXT)].map((m) => m[0]);
  for (const id of named) {
    const found = orders.find((o) => o.id === id);
    if (found) return found;
  }
  if (named.length > 0 || !guess) return undefined;
  const delivered = orders.filter((o) => o.status === "delivered");
  return delivered.find((o) => amount !== undefined && o.total === amount) ?? delivered.at(-1);
}

function parseJson(text: string): Record<string, any> {
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) return v as unknown as Record<string, any>;
    return v && typeof v === "object" ? (v as Record<string, any>) : { value: v };
  } catch {
    return { value: text };
  }
}
