/**
 * Outside-in clients for the edge tests: a raw HTTP request from a chosen
 * client address (Cloudflare's CF-Connecting-IP), and console sign-ins.
 */
import type { AuditEntry, Harness } from "./system.ts";

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export async function send(
  t: Harness,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; ip?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.ip) headers["cf-connecting-ip"] = init.ip;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await t.sys.mf.dispatchFetch(new URL(path, t.sys.url).href, {
    method: init.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers as unknown as Headers };
}

/** POST /console/api/login; the session cookie (name=value) when it worked. */
export async function signIn(
  t: Harness,
  username: string,
  password: string,
  ip = "198.51.100.1",
): Promise<Answer & { cookie: string }> {
  const res = await send(t, "/console/api/login", { body: { username, password }, ip });
  return { ...res, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! };
}

/** A console API call with a cookie, as the console page makes it. */
export function consoleCall(t: Harness, cookie: string, path: string, body?: unknown): Promise<Answer> {
  return send(t, `/console/api${path}`, {
    method: body === undefined ? "GET" : "POST",
    body,
    headers: { cookie, "x-siloos-console": "1" },
  });
}

export const edgeRows = (rows: AuditEntry[], kind: string) =>
  rows.filter((r) => r.event === "edge.refused" && r.op === kind);

/** Status → how many answers had it. */
export function tally(answers: Array<{ status: number }>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}
