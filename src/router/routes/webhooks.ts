import { DELIVERY_HEADER, receiveWebhook } from "../../webhooks/receive.ts";
import { SIGNATURE_HEADER } from "../../webhooks/signature.ts";
import type { RouterEnv } from "../env.ts";
import { routerApp } from "../openapi/define.ts";
import { webhookRoute } from "../openapi/webhooks.ts";

/**
 * Signed webhooks from systems that report events (a helpdesk's new ticket).
 * No API key: the HMAC signature over the raw body is the authentication.
 */
export const webhookRoutes = routerApp<{ Bindings: RouterEnv }>();

webhookRoutes.openapi(webhookRoute, async (c) => {
  const result = await receiveWebhook(c.env, {
    source: c.req.param("source"),
    signatureHeader: c.req.header(SIGNATURE_HEADER),
    deliveryHeader: c.req.header(DELIVERY_HEADER),
    contentType: c.req.header("content-type"),
    // The bytes as sent: verifying re-serialized JSON would verify something else.
    body: new Uint8Array(await c.req.arrayBuffer()),
  });
  return c.json(result.body, result.status);
});
