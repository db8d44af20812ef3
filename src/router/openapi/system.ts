import { z } from "zod";
import { defineRoute, json } from "./define.ts";
import { HealthSchema, JwksSchema } from "./responses.ts";

/** The router's own routes, at the root (index.ts). */
const tags = ["system"];

export const healthRoute = defineRoute({
  method: "get",
  path: "/healthz",
  tags,
  summary: "Ready: the router, the proxy and a migrated D1",
  responses: { 200: json("All parts answer and every table exists", HealthSchema) },
});

export const jwksRoute = defineRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags,
  summary: "The router's public signing keys",
  responses: { 200: json("JWK set", JwksSchema) },
});

export const openApiRoute = defineRoute({
  method: "get",
  path: "/openapi.json",
  tags,
  summary: "This document",
  responses: { 200: json("OpenAPI 3.1", z.record(z.string(), z.unknown())) },
});
