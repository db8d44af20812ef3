import type { ChatRequest, ChatResponse, ToolCall } from "../contracts/llm.ts";
import { estimateTokens } from "./http.ts";
import { type Conversation, readConversation } from "./offline-reading.ts";
import type { LlmProvider } from "./types.ts";

/**
 * The offline model: deterministic, no network. It reads the tools it was
 * given and the conversation so far (tool results included) and takes the
 * next step of a customer-service procedure: gather, decide, act, reply,
 * finish. It is the default only when no real provider is configured.
 */
export function offlineModel(): LlmProvider {
  return {
    name: "offline",
    async chat(req: ChatRequest): Promise<ChatResponse> {
      const call = nextStep(readConversation(req));
      const prompt = req.messages.map((m) => ("content" in m ? (m.content ?? "") : "")).join("\n");
      return {
        model: "siloos-offline-1",
        message: { content: null, toolCalls: [{ ...call, id: `call_${req.messages.length}` }] },
        usage: { promptTokens: estimateTokens(prompt), completionTokens: estimateTokens(JSON.stringify(call)) },
      };
    },
  };
}

type Step = Omit<ToolCall, "id">;
const step = (name: string, args: Record<string, unknown> = {}): Step => ({ name, arguments: args });

export function nextStep(c: Conversation): Step {
  const gather = gatherStep(c);
  if (gather) return gather;
  if (!c.has("refund_issue") && c.has("escalate")) return routeStep(c);
  const order = c.order();
  const name = c.customerName();
  // Handed over by another agent: act on what the customer asked, not on what the note claims.
  if (c.handedOver() && !c.asksForRefund()) {
    return denyStep(
      c,
      `Hello ${name}, thank you for your message. How can I help you today?`,
      "no refund request in the customer's messages",
    );
  }
  if (!order) {
    if (!c.called("reply_send"))
      return step("reply_send", {
        text: `Hello ${name}, which order is this about? Please send the order number (ord_…).`,
      });
    return step("finish", { status: "completed", summary: "asked the customer for the order number" });
  }
  if (order.status === "shipped" && c.has("shipment_track")) return trackingStep(c, order.id, name);
  const amount = Math.min(c.amount() ?? order.total, order.total);
  const money = `${amount.toFixed(2)} ${order.currency}`;
  if (!c.called("refund_issue")) {
    const limit = c.refundLimit();
    // Within the grant's approval band the refund is asked for and held for a person, not escalated.
    const band = c.refundApproval();
    const approvable = band !== undefined && amount > limit && amount <= band.upTo;
    if (!c.has("refund_issue") || (amount > limit && !approvable))
      return escalateStep(
        c,
        `refund of ${amount} ${order.currency} exceeds my limit of ${limit}`,
        `Customer ${name} asks for a refund of ${amount} ${order.currency} for order ${order.id} (${order.status}).`,
        name,
        order.id,
      );
    if (!["delivered", "returned"].includes(order.status))
      return denyStep(
        c,
        `Hello ${name}, order ${order.id} is ${order.status}; refunds apply once it is delivered or returned.`,
        `denied: order ${order.id} is ${order.status}`,
      );
    return step("refund_issue", {
      orderId: order.id,
      amount,
      currency: order.currency,
      reason: `customer request: ${order.status} order`,
    });
  }
  const refund = c.result("refund_issue");
  if (refund?.error) {
    if (c.has("escalate"))
      return escalateStep(
        c,
        `refund refused: ${refund.error}`,
        `Refund of ${money} for ${order.id} was refused (${refund.error}).`,
        name,
        order.id,
      );
    return denyStep(
      c,
      `Hello ${name}, I could not complete the refund for order ${order.id}; a colleague will follow up.`,
      `refund refused: ${refund.error}`,
      "failed",
    );
  }
  if (refund?.status === "pending_approval") {
    return denyStep(
      c,
      `Hello ${name}, your refund of ${money} for order ${order.id} needs a ${refund.role}'s approval. You will hear the outcome here as soon as it is decided.`,
      `refund of ${money} for ${order.id} held for ${refund.role} approval (${refund.actionId})`,
    );
  }
  if (c.has("email_send") && !c.called("email_send")) {
    const template = c.templates()[0];
    if (template) {
      const values: Record<string, string> = {
        name,
        amount: amount.toFixed(2),
        currency: order.currency,
        orderId: order.id,
      };
      return step("email_send", {
        template: template.name,
        to: c.customerEmail(),
        variables: Object.fromEntries(template.variables.map((v) => [v, values[v] ?? ""])),
      });
    }
  }
  if (c.calls("reply_send") < 1) {
    return step("reply_send", {
      text: `Hello ${name}, I have refunded ${money} for order ${order.id}. You will see it within 5 to 10 business days; a confirmation is on its way by email.`,
    });
  }
  return step("finish", { status: "completed", summary: `refunded ${money} for ${order.id}` });
}

function gatherStep(c: Conversation): Step | undefined {
  if (c.has("whoami") && !c.called("whoami")) return step("whoami");
  const scope = c.scope();
  if (!scope) return undefined;
  if (c.has("customer_read") && !c.called("customer_read"))
    return step("customer_read", { customerId: scope.customer });
  if (c.has("orders_list") && !c.called("orders_list")) return step("orders_list", { customerId: scope.customer });
  if (c.has("case_read") && scope.case && !c.called("case_read")) return step("case_read", { caseId: scope.case });
  return undefined;
}

function trackingStep(c: Conversation, orderId: string, name: string): Step {
  if (!c.called("shipment_track")) return step("shipment_track", { orderId });
  const s = c.result("shipment_track") ?? {};
  if (!c.called("reply_send")) {
    const eta = s.eta ? `, expected ${s.eta}` : "";
    return step("reply_send", {
      text: `Hello ${name}, order ${orderId} is on its way with ${s.carrier ?? "the carrier"} (status ${s.status ?? "unknown"}${eta}), addressed to ${s.recipient ?? name}. If it has not arrived by then, write back and we will refund it.`,
    });
  }
  return step("finish", {
    status: "completed",
    summary: `order ${orderId} still in transit; no refund before delivery`,
  });
}

function escalateStep(c: Conversation, reason: string, summary: string, name: string, orderId: string): Step {
  const target = c.escalationTargets().find((t) => !t.startsWith("human:")) ?? c.escalationTargets()[0];
  if (!target)
    return denyStep(c, `Hello ${name}, I cannot approve this refund for order ${orderId}.`, reason, "failed");
  if (c.calls("reply_send") < 1) {
    const who = target.startsWith("human:") ? "A senior colleague" : "A manager";
    return step("reply_send", {
      text: `Hello ${name}, your request for order ${orderId} needs a manager's approval. ${who} will review it shortly.`,
    });
  }
  return step("escalate", { target, reason, summary });
}

function denyStep(c: Conversation, text: string, summary: string, status: "completed" | "failed" = "completed"): Step {
  if (c.calls("reply_send") < 1) return step("reply_send", { text });
  return step("finish", { status, summary });
}

/** A routing-only agent: send refund talk to a refund agent, the rest to people. */
function routeStep(c: Conversation): Step {
  const targets = c.escalationTargets();
  const wantsRefund = c.asksForRefund();
  const target =
    (wantsRefund && targets.find((t) => /refund/.test(t))) ||
    targets.find((t) => t.startsWith("human:")) ||
    targets[0] ||
    "human:support";
  return step("escalate", {
    target,
    reason: wantsRefund ? "refund request" : "needs a person",
    summary: `Routed: ${wantsRefund ? "refund request" : "general enquiry"}.`,
  });
}
