import type { AuditEntryRow } from "./types.ts";

/**
 * "Watch what I did": turn a human's allowed proxy calls on a task into a
 * draft procedure in the same markdown an agent follows (instructions.md).
 * Arguments are already tokenized in the audit log, so the draft holds no PII.
 */
const PHRASES: Record<string, (args: Record<string, unknown>) => string> = {
  whoami: () => "Check your scope and limits (`whoami`).",
  "customer.read": () => "Read the customer (`customer.read`).",
  "orders.list": () => "List the customer's orders (`orders.list`) and find the one they mean.",
  "case.read": () => "Read the case (`case.read`).",
  "shipment.track": (a) =>
    `Track the shipment (\`shipment.track\`)${a.orderId ? ` of the order in question (recorded: ${a.orderId})` : ""}.`,
  "refund.issue": (a) =>
    `Issue the refund (\`refund.issue\`) within your limit (recorded: ${a.amount} ${a.currency} for ${a.orderId}, reason "${a.reason}").`,
  "email.send": (a) => `Email the customer with the \`${a.template}\` template (\`email.send\`, to their email token).`,
  "reply.send": (a) => `Reply to the customer (\`reply.send\`), for example: "${String(a.text ?? "").slice(0, 300)}"`,
  "pii.reveal": () => "Only if unavoidable, reveal a value (`pii.reveal`): it is audited.",
};

export function draftProcedure(opts: {
  taskId: string;
  intent: string | null;
  operator: string;
  rows: AuditEntryRow[];
  completed: boolean;
}): string {
  const steps: string[] = [];
  for (const row of opts.rows) {
    if (row.event !== "proxy.call" || row.decision !== "allowed" || !row.op) continue;
    const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
    const args = (detail.args as Record<string, unknown> | undefined) ?? detail;
    const phrase = PHRASES[row.op]?.(args) ?? `Call \`${row.op}\`.`;
    if (steps.at(-1) !== phrase) steps.push(phrase);
  }
  if (opts.completed) steps.push("Complete the task.");
  const title = opts.intent ? `${opts.intent} (recorded)` : "recorded procedure";
  return [
    `# Draft procedure: ${title}`,
    "",
    `Recorded from what ${opts.operator} did on task ${opts.taskId}. Review it, generalise the recorded values into rules, then add it to the agent's instructions.md.`,
    "",
    "## Steps",
    ...(steps.length ? steps.map((s, i) => `${i + 1}. ${s}`) : ["(no tool calls recorded yet)"]),
    "",
  ].join("\n");
}
