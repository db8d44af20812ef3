import { database } from "../../db/index.ts";
import { DELIVERY_HEADER, receiveWebhook, type WebhookPorts } from "../../webhooks/receive.ts";
import { SIGNATURE_HEADER } from "../../webhooks/signature.ts";
import { type RouterEnv, webhookSecrets } from "../core/env.ts";
import { getTask, newTaskId } from "../core/task-rows.ts";
import { startTask } from "../lifecycle/index.ts";
import { routerApp } from "../openapi/define.ts";
import { webhookRoute } from "../openapi/webhooks.ts";

/**
 * Signed webhooks from systems that report events (a helpdesk's new ticket).
 * No API key: the HMAC signature over the raw body is the authentication.
 */
export const webhookRoutes = routerApp<{ Bindings: RouterEnv }>();

webhookRoutes.openapi(webhookRoute, async (c) => {
  const result = await receiveWebhook(webhookPorts(c.env), {
    source: c.req.param("source"),
    signatureHeader: c.req.header(SIGNATURE_HEADER),
    deliveryHeader: c.req.header(DELIVERY_HEADER),
    contentType: c.req.header("content-type"),
    // The bytes as sent: verifying re-serialized JSON would verify something else.
    body: new Uint8Array(await c.req.arrayBuffer()),
  });
  return c.json(result.body, result.status);
});

/** The webhook channel's way into the task lifecycle: src/webhooks never imports the router. */
function webhookPorts(env: RouterEnv): WebhookPorts<Awaited<ReturnType<typeof startTask>>> {
  const db = database(env.DB);
  return {
    db,
    secrets: webhookSecrets(env),
    customerIdByEmail: (email) => env.PROXY.customerIdByEmail(email),
    newTaskId,
    startTask: (taskId, { customerId, draft }) =>
      startTask(env, {
        taskId,
        intent: draft.intent,
        subject: { customerId },
        message: draft.message,
        channel: "webhook",
      }),
    taskStatus: async (taskId) => (await getTask(db, taskId))?.status,
  };
}
