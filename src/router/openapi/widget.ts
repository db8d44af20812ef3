import { z } from "zod";
import { WidgetMessageSchema, WidgetOpenSessionSchema } from "../../contracts/api.ts";
import { auth, defineRoute, json, jsonRequest, text } from "./define.ts";
import { ConversationSchema, OkSchema, WidgetSessionResponseSchema } from "./responses.ts";

/** The chat widget's API, mounted at /v1/widget (routes/widget.ts). */
const tags = ["widget"];
const security = auth.widgetSession;

export const openSessionRoute = defineRoute({
  method: "post",
  path: "/sessions",
  tags,
  summary: "Open a chat session for a visitor (identity signed by the site)",
  request: { body: jsonRequest(WidgetOpenSessionSchema) },
  responses: { 201: json("Session token", WidgetSessionResponseSchema) },
});

export const closeSessionRoute = defineRoute({
  method: "delete",
  path: "/session",
  tags,
  security,
  summary: "The visitor signs out: the session is revoked",
  responses: { 200: json("Signed out", OkSchema) },
});

export const conversationRoute = defineRoute({
  method: "get",
  path: "/conversation",
  tags,
  security,
  summary: "The conversation so far, hydrated for this visitor",
  responses: { 200: json("Conversation", ConversationSchema) },
});

export const widgetMessageRoute = defineRoute({
  method: "post",
  path: "/messages",
  tags,
  security,
  summary: "Send a message; replies stream back as server-sent events",
  request: { body: jsonRequest(WidgetMessageSchema) },
  responses: { 200: text("Events: accepted, reply, status, error, done", "text/event-stream") },
});

export const widgetEventsRoute = defineRoute({
  method: "get",
  path: "/events",
  tags,
  security,
  summary: "Stream replies while a person holds the conversation",
  request: { query: z.object({ since: z.string().optional().describe("Resume after this entry") }) },
  responses: { 200: text("Events: reply, status, done", "text/event-stream") },
});
