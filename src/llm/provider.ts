import { SiloError } from "../errors/index.ts";
import { anthropic } from "./anthropic.ts";
import { offlineModel } from "./offline.ts";
import { openaiCompatible } from "./openai.ts";
import type { LlmProvider } from "./types.ts";
import { type AiBinding, workersAi } from "./workers-ai.ts";

export type { LlmProvider } from "./types.ts";

export interface LlmEnv {
  /** `<provider>:<model>[@<base URL>]`, e.g. `openai:gpt-4o-mini@https://api.openai.com/v1`. Unset = offline, locally only. */
  SILOOS_LLM?: string;
  SILOOS_LLM_API_KEY?: string;
  AI?: AiBinding;
  /** "1" only where the local launcher runs the system: the embedded fakes are allowed there and nowhere else. */
  SILOOS_LOCAL_DEV?: string;
}

export interface LlmRoute {
  provider: LlmProvider;
  /** The provider's model that the logical name "default" stands for. */
  model: string;
}

const DEFAULT_URLS: Record<string, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
};

export function llmRoute(env: LlmEnv): LlmRoute {
  const spec = env.SILOOS_LLM?.trim();
  if (!spec || spec === "offline") {
    // A deployed proxy never answers with the scripted model: no provider, no answer.
    if (env.SILOOS_LOCAL_DEV !== "1")
      throw new SiloError(
        "llm_not_configured",
        "no model provider is configured (set SILOOS_LLM); the offline model runs only in local development",
      );
    return { provider: offlineModel(), model: "siloos-offline-1" };
  }
  // The URL part starts at "@http": Workers AI model names themselves begin with "@cf/".
  const m = /^([a-z-]+):(.+?)(?:@(https?:\/\/.+))?$/.exec(spec);
  if (!m?.[1] || !m[2]) throw new SiloError("llm_unavailable", "SILOOS_LLM must look like <provider>:<model>[@<url>]");
  const [, kind, model, url] = m;
  const baseUrl = url ?? DEFAULT_URLS[kind] ?? "";
  switch (kind) {
    case "openai":
      return { provider: openaiCompatible({ baseUrl, apiKey: env.SILOOS_LLM_API_KEY }), model };
    case "anthropic":
      if (!env.SILOOS_LLM_API_KEY) throw new SiloError("llm_unavailable", "SILOOS_LLM_API_KEY is not set");
      return { provider: anthropic({ baseUrl, apiKey: env.SILOOS_LLM_API_KEY }), model };
    case "workers-ai":
      if (!env.AI) throw new SiloError("llm_unavailable", "the AI binding is not configured");
      return { provider: workersAi(env.AI), model };
    default:
      throw new SiloError("llm_unavailable", `unknown LLM provider ${kind}`);
  }
}
