import { keyedDigest } from "../../crypto/hmac.ts";
import { type RouterEnv, routerConfig } from "../core/env.ts";

/**
 * Who is at the edge: a keyed digest of the client's address, never the
 * address itself (an IP is personal data; the audit log holds no raw PII).
 * Cloudflare sets CF-Connecting-IP and overwrites any a client sends;
 * locally every request comes from "local".
 */
export interface EdgeClient {
  /** `c_<16 hex>`: stable per address, meaningless without SILOOS_AUDIT_KEY. */
  id: string;
  actor: `client:${string}`;
}

/** The part of a Hono context this needs (any sub-app's context fits). */
export interface EdgeRequest {
  env: RouterEnv;
  req: { url: string; method: string; header(name: string): string | undefined };
}

export async function edgeClient(c: EdgeRequest): Promise<EdgeClient> {
  const address = c.req.header("cf-connecting-ip") ?? "local";
  const id = `c_${(await keyedDigest(routerConfig(c.env).SILOOS_AUDIT_KEY, "edge-client", address)).slice(0, 16)}`;
  return { id, actor: `client:${id}` };
}
