import type { ChatRequest, ChatResponse } from "../contracts/llm.ts";

/** One interface for every model provider; keys live only in the proxy's env. */
export interface LlmProvider {
  readonly name: string;
  chat(req: ChatRequest): Promise<ChatResponse>;
}
