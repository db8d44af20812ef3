import { SiloError } from "../errors/index.ts";

/** Rough token count for providers that do not report usage (4 characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs = 60_000,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new SiloError("llm_unavailable", "the model provider did not answer");
  }
  if (!res.ok) throw new SiloError("llm_unavailable", `the model provider answered ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new SiloError("llm_unavailable", "the model provider answered with invalid JSON");
  }
}
