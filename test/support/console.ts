import type { Harness } from "./system.ts";

/** A signed-in console client: the cookie jar of one operator. */
export async function operator(t: Harness, username: string, password = `${username}-demo-password`) {
  const login = await t.sys.mf.dispatchFetch(new URL("/console/api/login", t.sys.url).href, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`login failed for ${username}: ${login.status}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await t.sys.mf.dispatchFetch(new URL(`/console/api${path}`, t.sys.url).href, {
      method: body === undefined ? "GET" : "POST",
      headers: { cookie, "x-siloos-console": "1", "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // markdown or text
    }
    return { status: res.status, body: parsed };
  };
  return { cookie, call };
}

export async function setAgentStatus(t: Harness, agent: string, status: "online" | "offline") {
  const res = await t.api(`/v1/agents/${agent}/status`, {
    method: "PUT",
    body: { status },
    key: t.secrets.SILOOS_ADMIN_KEY,
  });
  if (res.status !== 200) throw new Error(`status change failed: ${res.status} ${JSON.stringify(res.body)}`);
}
