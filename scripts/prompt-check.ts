/**
 * The real-value check of llmPrepare on the bench's refund task, before and
 * after it was remembered per string (src/vault/real-values.ts): the six
 * model calls of one task (the refund agent's opening messages, tools and
 * tool rounds, as src/sdk/loop.ts builds them, masked as Vault.llmPrepare
 * masks them), checked the old way (findPii over the whole joined prompt on
 * every call) and the new way, in alternating rounds in one process. CPU time
 * (process.cpuUsage), not wall clock. Every call's answers must agree.
 *
 *   npx node scripts/prompt-check.ts [tasks=120] [rounds=10]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatMessage } from "../src/contracts/llm.ts";
import { knownValuesOf } from "../src/proxy/router-api.ts";
import type { ToolEntry } from "../src/registry/schema.ts";
import { openingMessages } from "../src/sdk/prompt.ts";
import type { Identity } from "../src/sdk/tools.ts";
import { mapStrings, maskForModel } from "../src/vault/masking.ts";
import { realValueKinds } from "../src/vault/real-values.ts";
import { TokenTable } from "../src/vault/table.ts";
import { person } from "./bench/people.ts";

const [TASKS = 120, ROUNDS = 10] = process.argv.slice(2).map(Number);
const read = (path: string) => readFileSync(join(import.meta.dirname, path), "utf8");
const instructions = read("../agents/refund-agent/instructions.md");
// The registry's tool catalogue (src/sdk/tools.ts lists the granted ones; its JSON import needs a bundler).
const catalogue = (JSON.parse(read("../src/registry/registry.generated.json")) as { tools: ToolEntry[] }).tools;

/** One task: a fresh vault table (known values, the record's tokens) and its six chat requests. */
function task(i: number): { table: () => TokenTable; prompts: string[][] } {
  const p = person(i);
  const table = () => {
    const t = new TokenTable();
    t.known = knownValuesOf({ id: p.id, name: p.name, email: p.email, phone: p.phone, address: p.address } as never);
    return t;
  };
  const t = table();
  const message = t.tokenize(p.message, "customer");
  const name = t.assign("NAME", p.name, "record");
  const email = t.assign("EMAIL", p.email, "record");
  const me: Identity = {
    principal: "agent:refund-agent",
    taskId: `tsk_${i.toString(16).padStart(24, "0")}`,
    scope: { customer: p.id },
    capabilities: [
      { capability: "customer.read" },
      { capability: "orders.list" },
      { capability: "refund.issue", limit: 500, orderStatuses: ["delivered"], currency: "USD" },
      { capability: "email.send", templates: ["refund-confirmation"] },
      { capability: "reply.send" },
      { capability: "llm.chat", models: ["default"], tokenBudget: 40000 },
      { capability: "escalate", targets: ["manager-agent", "human:support"] },
    ] as never,
    templates: [{ name: "refund-confirmation", variables: ["name", "amount", "currency", "orderId"] }],
  };
  const ctx = { message, context: { channel: "api" } } as never;
  const messages: ChatMessage[] = [
    ...openingMessages(instructions, me, ctx, [{ role: "customer", text: message }]),
    { role: "assistant", content: null, toolCalls: [{ id: "call_whoami", name: "whoami", arguments: {} }] },
    { role: "tool", toolCallId: "call_whoami", name: "whoami", content: JSON.stringify(me) },
  ];
  const rounds: Array<[string, Record<string, unknown>, unknown]> = [
    ["customer_read", { customerId: p.id }, { id: p.id, name, email, tier: "standard" }],
    ["orders_list", { customerId: p.id }, [{ id: p.order, item: "Desk lamp", total: 50, status: "delivered" }]],
    ["refund_issue", { orderId: p.order, amount: 50, currency: "USD", reason: "arrived broken" }, { ok: 1 }],
    ["email_send", { template: "refund-confirmation", to: email, variables: { name, amount: "50.00" } }, {}],
    ["reply_send", { text: `Hello ${name}, I have refunded 50.00 USD for order ${p.order}.` }, { ok: true }],
  ];
  const granted = new Set(["whoami", ...me.capabilities.map((c) => c.capability as string)]);
  const tools = catalogue
    .filter((t) => granted.has(t.op))
    .map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  const prompts: string[][] = [];
  for (let k = 0; k <= rounds.length; k++) {
    const strings: string[] = [];
    mapStrings({ messages, tools }, (s) => {
      strings.push(s);
      return s;
    });
    prompts.push(strings);
    const r = rounds[k];
    if (!r) break;
    messages.push(
      { role: "assistant", content: null, toolCalls: [{ id: `call_${k}`, name: r[0], arguments: r[1] }] },
      { role: "tool", toolCallId: `call_${k}`, name: r[0], content: JSON.stringify(r[2]) },
    );
  }
  return { table, prompts };
}

const tasks = Array.from({ length: TASKS }, (_, i) => task(i));
const cpu = { full: 0, remembered: 0 };
const us = (d: NodeJS.CpuUsage) => d.user + d.system;
let calls = 0;
let fullAsked = 0;
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (["full", "remembered"] as const) : (["remembered", "full"] as const);
  const answers = new Map<string, string[][]>();
  for (const how of order) {
    const out: string[][] = [];
    for (const { table, prompts } of tasks) {
      const t = table();
      for (const strings of prompts) {
        // As llmPrepare: mask (not counted), then check what will leave (counted).
        const masked = maskForModel(strings, t).texts;
        const t0 = process.cpuUsage();
        out.push(how === "full" ? t.realValueKinds(masked.join("\n")) : realValueKinds(t, masked));
        cpu[how] += us(process.cpuUsage(t0));
      }
    }
    answers.set(how, out);
  }
  if (JSON.stringify(answers.get("full")) !== JSON.stringify(answers.get("remembered")))
    throw new Error("answers differ");
  calls = answers.get("full")?.length ?? 0;
}
// How often the remembered check still asks the full one (a real value's words all there).
for (const { table, prompts } of tasks) {
  const t = table();
  const full = t.realValueKinds.bind(t);
  t.realValueKinds = (text: string) => {
    fullAsked++;
    return full(text);
  };
  for (const strings of prompts) realValueKinds(t, maskForModel(strings, t).texts);
}
const perTask = (us: number) => (us / ROUNDS / TASKS / 1000).toFixed(2);
const chars = tasks[0]!.prompts.map((p) => p.join("\n").length);
console.log(`${TASKS} tasks x 6 calls, ${ROUNDS} alternating rounds; prompt ${chars.join(" → ")} characters`);
console.log(`real-value check, CPU a task: full ${perTask(cpu.full)} ms, remembered ${perTask(cpu.remembered)} ms`);
console.log(`full check asked on ${fullAsked} of ${calls} calls by the remembered one`);
