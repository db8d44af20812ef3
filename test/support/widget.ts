import { type DemoSite, startDemoSite } from "../../tools/local/demo-site.ts";
import type { Harness } from "./system.ts";

export const SITE_SECRET = "demo-site-secret-for-tests-0123456789";

/** Two demo sites: one allowed to embed the widget, one not. Ports are fixed before the router starts. */
export async function demoSites(router: () => string): Promise<{ allowed: DemoSite; denied: DemoSite }> {
  const allowed = await startDemoSite({
    routerUrl: () => router(),
    site: "demo",
    siteSecret: SITE_SECRET,
    customerId: "cus_1001",
  });
  const denied = await startDemoSite({
    routerUrl: () => router(),
    site: "demo",
    siteSecret: SITE_SECRET,
    customerId: "cus_1001",
  });
  return { allowed, denied };
}

export function sitesConfig(allowedOrigin: string): string {
  return JSON.stringify({ demo: { origins: [allowedOrigin], secret: SITE_SECRET, intent: "general" } });
}

/** Widget API calls as a browser on `origin` would make them. */
export function widgetClient(t: Harness, origin: string) {
  return async (path: string, init: { method?: string; body?: unknown; session?: string } = {}) => {
    const headers: Record<string, string> = { origin, "content-type": "application/json" };
    if (init.session) headers.authorization = `Bearer ${init.session}`;
    const res = await t.sys.mf.dispatchFetch(new URL(`/v1/widget${path}`, t.sys.url).href, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return res as unknown as Response;
  };
}

export interface SseEvent {
  event: string;
  data: any;
  at: number;
}

export async function readSse(res: Response, onEvent?: (e: SseEvent) => void): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const e = {
        event: /^event: (.*)$/m.exec(chunk)?.[1] ?? "",
        data: JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? "null"),
        at: Date.now(),
      };
      out.push(e);
      onEvent?.(e);
    }
  }
  return out;
}
