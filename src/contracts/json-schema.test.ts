import { describe, expect, it } from "vitest";
import { toolsFor } from "../sdk/tools.ts";
import { ToolParametersSchema } from "./json-schema.ts";

describe("llm.chat tool parameters are a JSON Schema", () => {
  it("accepts every tool the SDK generates from a full grant", () => {
    const tools = toolsFor({
      principal: "agent:x",
      taskId: "tsk_00000000",
      scope: { customer: "cus_1001" },
      capabilities: [
        { capability: "customer.read" },
        { capability: "orders.list" },
        { capability: "case.read" },
        { capability: "shipment.track" },
        {
          capability: "refund.issue",
          limit: 1,
          perTaskLimit: 1,
          perAgentDailyLimit: 1,
          perCustomerDailyLimit: 1,
          orderStatuses: ["delivered"],
          currency: "USD",
        },
        { capability: "email.send", templates: ["t-one"] },
        { capability: "reply.send" },
        { capability: "escalate", targets: ["human:support"] },
      ],
      templates: [{ name: "t-one", variables: ["name"] }],
    });
    expect(tools.length).toBeGreaterThan(8);
    for (const t of tools) expect(ToolParametersSchema.safeParse(t.parameters).success, t.name).toBe(true);
  });

  it("refuses unknown keywords, wrong types, a non-object root and deep nesting", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 40; i++) deep = { type: "object", properties: { a: deep } };
    for (const bad of [
      { type: "object", "x-leak": "v" },
      { type: "object", properties: { a: { type: "nonsense" } } },
      { type: "string" },
      { type: "object", required: "a" },
      deep,
    ]) {
      expect(ToolParametersSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });
});
