import type { RouterEnv } from "../env.ts";
import { deadLettersRoute } from "../openapi/admin.ts";
import { routerApp } from "../openapi/define.ts";

/** The mail outbox's dead letters (admin key): ids, template, attempts, error code; never an address or a body. */
export const outboxRoutes = routerApp<{ Bindings: RouterEnv }>();

outboxRoutes.openapi(deadLettersRoute, async (c) => c.json({ messages: await c.env.PROXY.deadLetters() }));
