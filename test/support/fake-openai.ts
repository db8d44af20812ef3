/**
 * A fake OpenAI-compatible chat-completions server over real HTTP. It speaks
 * the wire format (messages, tools, tool_calls with JSON-string arguments,
 * usage) and decides like the offline model does, from the tools and the
 * conversation it is sent. Tests can queue a scripted reply for the next call.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import type { ChatRequest } from "../../src/contracts/llm.ts";
import { nextStep } from "../../src/llm/offline.ts";
import { readConversation } from "../../src/llm/offline-reading.ts";

export interface FakeOpenAi {
  url: string;
  requests: Array<{ authorization: string | undefined; body: any }>;
  /** Scripted tool calls; `arguments` may be computed from the request (an echo, an injected instruction). */
  script: Array<{ name: string; arguments: Record<string, unknown> | ((body: any) => Record<string, unknown>) }>;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake = { requests: [], script: [] } as unknown as FakeOpenAi;
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    fake.requests.push({ authorization: req.headers.authorization, body });
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const scripted = fake.script.shift();
    const call = scripted
      ? {
          name: scripted.name,
          arguments: typeof scripted.arguments === "function" ? scripted.arguments(body) : scripted.arguments,
        }
      : nextStep(readConversation(fromWire(body)));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${fake.requests.length}`,
        object: "chat.completion",
        model: body.model,
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: `call_${fake.requests.length}`,
                  type: "function",
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                },
              ],
            },
          },
        ],
        usage: {
          prompt_tokens: Math.ceil(raw.length / 4),
          completion_tokens: 20,
          total_tokens: Math.ceil(raw.length / 4) + 20,
        },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

/** OpenAI wire request → the canonical shape the planner reads. */
function fromWire(body: any): ChatRequest {
  return {
    model: body.model,
    maxTokens: body.max_tokens ?? 1024,
    tools: (body.tools ?? []).map((t: any) => ({
      name: t.function.name,
      description: t.function.description,
      parameters: t.function.parameters,
    })),
    messages: body.messages.map((m: any) =>
      m.role === "assistant"
        ? {
            role: "assistant",
            content: m.content,
            toolCalls: (m.tool_calls ?? []).map((c: any) => ({
              id: c.id,
              name: c.function.name,
              arguments: JSON.parse(c.function.arguments),
            })),
          }
        : m.role === "tool"
          ? { role: "tool", toolCallId: m.tool_call_id, name: "", content: m.content }
          : { role: m.role, content: m.content },
    ),
  };
}

/**
 * The fake for a whole test file: started before the system that points at it
 * (hooks run in the order they are registered), closed after.
 */
export function useFakeOpenAi(): FakeOpenAi & { readonly proxyVars: Record<string, string> } {
  const handle = {
    url: "",
    requests: [] as FakeOpenAi["requests"],
    script: [] as FakeOpenAi["script"],
    close: async () => undefined,
    get proxyVars() {
      return { SILOOS_LLM: `openai:fake-gpt@${handle.url}`, SILOOS_LLM_API_KEY: "sk-test-provider-key" };
    },
  };
  beforeAll(async () => {
    const fake = await startFakeOpenAi();
    Object.assign(handle, { url: fake.url, requests: fake.requests, script: fake.script, close: fake.close });
  });
  afterAll(async () => handle.close());
  return handle;
}
