import { Hono } from "hono";
import type { RouterEnv } from "../env.ts";

/** The mail outbox's dead letters (admin key): ids, template, attempts, error code; never an address or a body. */
export const outboxRoutes = new Hono<{ Bindings: RouterEnv }>();

outboxRoutes.get("/dead", async (c) => c.json({ messages: await c.env.PROXY.deadLetters() }));
