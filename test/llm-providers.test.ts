import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../src/contracts/llm.ts";
import { anthropic } from "../src/llm/anthropic.ts";
import { llmRoute } from "../src/llm/provider.ts";
import { workersAi } from "../src/llm/workers-ai.ts";

/** A fake Anthropic Messages API over real HTTP: records requests, answers in the real wire shape. */
const seen: Array<{ headers: Record<string, unknown>; body: any }> = [];
let url = "";
const server = createServer(async (req, res) => {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  seen.push({ headers: req.headers, body: JSON.parse(raw) });
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-test",
      content: [
        { type: "text", text: "Let me look up [NAME_1]." },
        { type: "tool_use", id: "toolu_01", name: "orders_list", input: { customerId: "cus_1001" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 120, output_tokens: 30 },
    }),
  );
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const request: ChatRequest = {
  model: "claude-test",
  maxTokens: 256,
  tools: [
    {
      name: "orders_list",
      description: "List orders",
      parameters: { type: "object", properties: { customerId: { type: "string" } } },
    },
  ],
  messages: [
    { role: "system", content: "You are the refund agent." },
    { role: "user", content: "Customer: refund please" },
    { role: "assistant", content: null, toolCalls: [{ id: "call_whoami", name: "whoami", arguments: {} }] },
    { role: "tool", toolCallId: "call_whoami", name: "whoami", content: '{"scope":{"customer":"cus_1001"}}' },
  ],
};

describe("model providers speak their wire formats", () => {
  it("Anthropic Messages: system apart, tool results as user blocks, tool_use back as tool calls", async () => {
    const res = await anthropic({ baseUrl: url, apiKey: "sk-ant-test" }).chat(request);
    const sent = seen.at(-1)!;
    expect(sent.headers["x-api-key"]).toBe("sk-ant-test");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.body).toMatchObject({
      model: "claude-test",
      max_tokens: 256,
      system: "You are the refund agent.",
      tools: [{ name: "orders_list", input_schema: { type: "object" } }],
    });
    expect(sent.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Customer: refund please" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "call_whoami", name: "whoami", input: {} }] },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "call_whoami", content: '{"scope":{"customer":"cus_1001"}}' }],
      },
    ]);
    expect(res).toEqual({
      model: "claude-test",
      message: {
        content: "Let me look up [NAME_1].",
        toolCalls: [{ id: "toolu_01", name: "orders_list", arguments: { customerId: "cus_1001" } }],
      },
      usage: { promptTokens: 120, completionTokens: 30 },
    });
  });

  it("Workers AI: through the binding, tool calls and usage mapped", async () => {
    const calls: Array<{ model: string; input: any }> = [];
    const ai = {
      run: async (model: string, input: Record<string, unknown>) => {
        calls.push({ model, input });
        return {
          response: null,
          tool_calls: [{ name: "orders_list", arguments: { customerId: "cus_1001" } }],
          usage: { prompt_tokens: 90, completion_tokens: 12 },
        };
      },
    };
    const res = await workersAi(ai).chat({ ...request, model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast" });
    expect(calls[0]!.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(calls[0]!.input.tools).toEqual([
      { name: "orders_list", description: "List orders", parameters: request.tools[0]!.parameters },
    ]);
    expect(res.message.toolCalls).toEqual([
      { id: "call_0", name: "orders_list", arguments: { customerId: "cus_1001" } },
    ]);
    expect(res.usage).toEqual({ promptTokens: 90, completionTokens: 12 });
  });

  it("SILOOS_LLM picks the provider in one line; unset means offline in local development, refused when deployed", () => {
    expect(llmRoute({ SILOOS_LOCAL_DEV: "1" }).provider.name).toBe("offline");
    expect(llmRoute({ SILOOS_LOCAL_DEV: "1", SILOOS_LLM: "offline" }).provider.name).toBe("offline");
    expect(() => llmRoute({})).toThrow(expect.objectContaining({ code: "llm_not_configured" }));
    expect(() => llmRoute({ SILOOS_LLM: "offline" })).toThrow(expect.objectContaining({ code: "llm_not_configured" }));
    expect(llmRoute({ SILOOS_LLM: "openai:gpt-4o-mini@http://127.0.0.1:1/v1" })).toMatchObject({
      model: "gpt-4o-mini",
      provider: { name: "openai-compatible" },
    });
    expect(llmRoute({ SILOOS_LLM: "anthropic:claude-sonnet-4-5", SILOOS_LLM_API_KEY: "k" })).toMatchObject({
      model: "claude-sonnet-4-5",
      provider: { name: "anthropic" },
    });
    expect(() => llmRoute({ SILOOS_LLM: "anthropic:claude-sonnet-4-5" })).toThrow(/SILOOS_LLM_API_KEY/);
    expect(() => llmRoute({ SILOOS_LLM: "workers-ai:@cf/x" })).toThrow(/AI binding/);
    expect(() => llmRoute({ SILOOS_LLM: "nonsense" })).toThrow(/provider/);
  });
});
