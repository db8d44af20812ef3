import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { app } from "../src/router/index.ts";
import { openApiDocument } from "../src/router/openapi/document.ts";
import { ErrorBodySchema, TaskResponseSchema } from "../src/router/openapi/responses.ts";
import { ROUTES } from "../src/router/openapi/routes.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument("http://localhost:8787") as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is not a rubber stamp: a document without info is refused.
    const { info: _info, ...broken } = openApiDocument() as Record<string, unknown>;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("names every route the router serves, and nothing it does not", () => {
    const served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`).sort();
    const documented = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(documented).toEqual(served);
  });

  it("is served at /openapi.json, and real answers match its schemas", async () => {
    const served = await t.api("/openapi.json", { key: null });
    expect(served.status).toBe(200);
    expect(served.body.paths["/v1/tasks/{id}/complete"].post.security).toEqual([{ apiKey: [] }]);
    const task = await t.createTask({ agent: "refund-agent", subject: { customerId: "cus_1005" }, message: "refund ord_5006" });
    expect(TaskResponseSchema.safeParse(task).success).toBe(true);
    const refused = await t.api("/v1/tasks", { body: { agent: "nobody-here", subject: { customerId: "cus_1005" }, message: "x" } });
    expect(ErrorBodySchema.safeParse(refused.body).success).toBe(true);
  });

  it("has a rendered reference page", async () => {
    const page = await t.sys.mf.dispatchFetch(new URL("/docs/", t.sys.url).href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/openapi.json");
  });
});
