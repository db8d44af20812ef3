/**
 * The router (the kernel): SiloOS's only public Worker. May touch: D1
 * (tasks, audit), the proxy's RouterGate, and every agent's entrypoint.
 * Receives work, mints keys, dispatches, escalates, completes.
 */

import { bodyLimit } from "hono/body-limit";
import { sealAudit } from "../audit/seal.ts";
import { MAX_BODY_BYTES } from "../contracts/api.ts";
import { database } from "../db/index.ts";
import { parseSigningKeys, publicJwks } from "../keys/keyring.ts";
import { bearerKey } from "./auth.ts";
import { consoleApi } from "./console/routes.ts";
import { type RouterEnv, routerConfig } from "./core/env.ts";
import { errorResponse, notFound } from "./core/errors.ts";
import { pruneBookkeeping } from "./core/prune.ts";
import { workerSecurityHeaders } from "./edge/headers.ts";
import { flushEdgeRefusals, pruneEdgeState, recordEdgeRefusal } from "./edge/refusals.ts";
import { expireDueTasks } from "./lifecycle/index.ts";
import { routerApp } from "./openapi/define.ts";
import { openApiDocument } from "./openapi/document.ts";
import { healthRoute, jwksRoute, openApiRoute } from "./openapi/system.ts";
import { missingTables } from "./readiness.ts";
import { adminRoutes } from "./routes/admin.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { sessionAdminRoutes } from "./routes/sessions.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { widgetRoutes } from "./routes/widget.ts";

export { TaskRun } from "./task-run.ts";

const app = routerApp<{ Bindings: RouterEnv }>();

// CSP, frame-ancestors/X-Frame-Options, nosniff, Referrer-Policy on every Worker response.
app.use("*", workerSecurityHeaders);

app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      c.json({ error: "payload_too_large", message: `bodies are limited to ${MAX_BODY_BYTES} bytes` }, 413),
  }),
);

app.openapi(healthRoute, async (c) => {
  routerConfig(c.env);
  const [tables, ping] = await Promise.allSettled([missingTables(c.env.DB), c.env.PROXY.ping()]);
  const db = tables.status === "fulfilled";
  const schema = db && tables.value.length === 0;
  const proxy = ping.status === "fulfilled";
  if (schema && proxy) return c.json({ ok: true, checks: { db, schema, proxy } });
  const message = db && !schema ? "the database is not migrated yet" : "a part of SiloOS is down";
  return c.json({ error: "unavailable", message, checks: { db, schema, proxy } }, 503);
});

app.openapi(jwksRoute, (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json(publicJwks(parseSigningKeys(routerConfig(c.env).SILOOS_SIGNING_KEYS)));
});

// The servers entry comes from configuration: a Host header is the caller's to choose.
app.openapi(openApiRoute, (c) => c.json(openApiDocument(app, c.env.SILOOS_PUBLIC_URL), 200));

app.use("/v1/tasks/*", bearerKey("SILOOS_API_KEY"));
app.use("/v1/tasks", bearerKey("SILOOS_API_KEY"));
app.route("/v1/tasks", taskRoutes);

// No API key: each delivery is authenticated by its signature (src/webhooks/).
app.route("/v1/webhooks", webhookRoutes);

app.use("/v1/audit", bearerKey("SILOOS_ADMIN_KEY"));
app.use("/v1/audit/*", bearerKey("SILOOS_ADMIN_KEY"));
app.use("/v1/agents", bearerKey("SILOOS_ADMIN_KEY"));
app.use("/v1/agents/*", bearerKey("SILOOS_ADMIN_KEY"));
app.use("/v1/operators/*", bearerKey("SILOOS_ADMIN_KEY"));
app.use("/v1/widget-sessions/*", bearerKey("SILOOS_ADMIN_KEY"));
app.route("/v1", adminRoutes);
app.route("/v1", sessionAdminRoutes);
app.use("/v1/outbox/*", bearerKey("SILOOS_ADMIN_KEY"));
app.route("/v1/outbox", outboxRoutes);

app.route("/console/api", consoleApi);
app.route("/v1/widget", widgetRoutes);

app.notFound(notFound);
app.onError(async (err, c) => {
  // Refusals at the edge are counted and audited (aggregated), then answered as usual.
  await recordEdgeRefusal(c, err);
  return errorResponse(c, err);
});

export { app };

export default {
  fetch: app.fetch,
  /**
   * Cron: end tasks past their TTL; seal new audit rows into the hash chain even when nobody reads
   * the log; drop bookkeeping rows nothing can use again (core/prune.ts).
   */
  async scheduled(_controller: ScheduledController, env: RouterEnv): Promise<void> {
    // Edge bookkeeping never stands in the way of sealing.
    await flushEdgeRefusals(env).catch((e: unknown) =>
      console.error("router: edge refusals not flushed", e instanceof Error ? e.message.slice(0, 200) : typeof e),
    );
    await pruneEdgeState(env).catch(() => undefined);
    await pruneBookkeeping(env).catch(() => undefined);
    await expireDueTasks(env);
    await env.PROXY.sweepOutbox();
    await sealAudit(database(env.DB), routerConfig(env).SILOOS_AUDIT_KEY);
  },
} satisfies ExportedHandler<RouterEnv>;
