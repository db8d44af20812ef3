import { createHmac } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../src/router/index.ts";
import { openApiDocument } from "../src/router/openapi/document.ts";
import { ErrorBodySchema, TaskResponseSchema } from "../src/router/openapi/responses.ts";
import { mintIdentity } from "../src/widget/identity.ts";
import { operator } from "./support/console.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";
import { SITE_SECRET } from "./support/widget.ts";

const ORIGIN = "https://shop.example";
const t = useSystem({
  routerVars: {
    SILOOS_WIDGET_SITES: JSON.stringify({ demo: { origins: [ORIGIN], secret: SITE_SECRET, intent: "general" } }),
  },
});

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
};
type Operation = {
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>> };

const doc = () => openApiDocument(app, "http://localhost:8787") as unknown as Document;
const operations = () =>
  Object.entries(doc().paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
// The document's schemas, read by a JSON Schema validator that knows nothing of zod.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const documentSays = (schema: Schema, value: unknown) => ajv.validate(schema, value);

/** A body the document accepts, for every route it says takes one: a new route with a body fails here until it has one. */
const VALID_BODIES: Record<string, unknown> = {
  "POST /v1/tasks": { agent: "refund-agent", subject: { customerId: "cus_1001" }, message: "hi" },
  "POST /v1/tasks/{id}/messages": { message: "hi" },
  "PUT /v1/agents/{name}/status": { status: "online" },
  "PUT /v1/operators/{id}/role": { role: "agent" },
  "POST /v1/widget-sessions/revoke": { site: "demo", customerId: "cus_1001" },
  "POST /console/api/login": { username: "alice", password: "not-her-password" },
  "POST /console/api/tasks/{id}/call": { op: "crm.read", args: {}, baseKey: "k", taskKey: "k" },
  "POST /console/api/tasks/{id}/handback": { agent: "refund-agent" },
  "POST /console/api/approvals/decide": { ids: ["act_1"], decision: "approve" },
  "POST /v1/widget/sessions": { site: "demo", identity: "x" },
  "POST /v1/widget/messages": { message: "hi" },
  "POST /v1/webhooks/{source}": {
    event: "ticket.created",
    ticket: {
      id: "ZD-1",
      subject: "Broken",
      description: "It arrived broken.",
      requester: { email: "maria.alvarez@example.com", name: "Maria Alvarez" },
      order_id: "ord_5002",
    },
  },
};
const SURFACES = [
  ["/v1/tasks", "api"],
  ["/v1/webhooks", "webhook"],
  ["/v1/widget/", "widget"],
  ["/console/", "console"],
  ["/v1/", "admin"],
] as const;
const PARAMS: Record<string, string> = { id: "tsk_doesnotexist00", name: "refund-agent", source: "helpdesk" };

/** Bodies the document's schema refuses, each with the field at fault: a wrong type, a missing required field, an unknown field. */
function breakages(
  schema: Schema,
  valid: Record<string, unknown>,
  at: string[] = [],
): Array<{ field: string; body: unknown }> {
  const out: Array<{ field: string; body: unknown }> = [];
  const field = (k: string) => [...at, k].join(".");
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (sub.type)
      out.push({ field: field(k), body: { ...valid, [k]: sub.type === "string" ? 12345 : `not ${sub.type}` } });
    if (sub.type === "object" && valid[k] && typeof valid[k] === "object") {
      for (const inner of breakages(sub, valid[k] as Record<string, unknown>, [...at, k]))
        out.push({ field: inner.field, body: { ...valid, [k]: inner.body } });
    }
  }
  for (const k of schema.required ?? []) {
    const { [k]: _gone, ...rest } = valid;
    out.push({ field: field(k), body: rest });
  }
  if (schema.additionalProperties === false) out.push({ field: "zz_extra", body: { ...valid, zz_extra: 1 } });
  return out;
}

describe("the OpenAPI document", () => {
  const headers: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    const alice = await operator(t, "alice");
    const opened = await t.sys.mf.dispatchFetch(new URL("/v1/widget/sessions", t.sys.url).href, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ site: "demo", identity: await mintIdentity(SITE_SECRET, "cus_1001") }),
    });
    const { session } = (await opened.json()) as { session: string };
    Object.assign(headers, {
      none: {},
      apiKey: { authorization: `Bearer ${t.secrets.SILOOS_API_KEY}` },
      adminKey: { authorization: `Bearer ${t.secrets.SILOOS_ADMIN_KEY}` },
      operatorSession: { cookie: alice.cookie, "x-siloos-console": "1" },
      widgetSession: { authorization: `Bearer ${session}`, origin: ORIGIN },
    });
  });

  /** Send as a caller holding the route's credentials (none when `signedIn` is false); webhooks are signed over the exact bytes. */
  async function send(
    method: string,
    path: string,
    op: Operation,
    body: string | undefined,
    contentType = "application/json",
    signedIn = true,
  ) {
    const scheme = op.security ? Object.keys(op.security[0]!)[0]! : "none";
    const h: Record<string, string> = {
      ...(signedIn ? headers[scheme] : {}),
      ...(body !== undefined ? { "content-type": contentType } : {}),
    };
    if (scheme === "webhookSignature" && signedIn) {
      const ts = Math.floor(Date.now() / 1000);
      const secret = (JSON.parse(t.secrets.SILOOS_WEBHOOK_SECRETS) as Record<string, string>).helpdesk!;
      h["x-siloos-signature"] = `t=${ts},v1=${createHmac("sha256", secret)
        .update(`${ts}.${body ?? ""}`)
        .digest("hex")}`;
      h["x-siloos-delivery"] = crypto.randomUUID();
    }
    const url = new URL(
      path.replace(/\{(\w+)\}/g, (_m, p: string) => PARAMS[p] ?? p),
      t.sys.url,
    ).href;
    const res = await t.sys.mf.dispatchFetch(url, { method, headers: h, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // an event stream or markdown
    }
    return { status: res.status, body: parsed as { error?: string; message?: string } };
  }

  /** The answer is one the document lists for its status, with the schema it states there. */
  function documented(op: Operation, answer: { status: number; body: unknown }) {
    const listed = (op.responses[String(answer.status)] ?? op.responses.default)?.content?.["application/json"]?.schema;
    expect(listed, `the document lists ${answer.status}`).toBeDefined();
    expect(
      documentSays(listed!, answer.body),
      `${JSON.stringify(answer.body)} fits the documented ${answer.status}: ${ajv.errorsText()}`,
    ).toBe(true);
  }

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc() as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is not a rubber stamp: a document without info is refused.
    const { info: _info, ...broken } = doc() as unknown as Record<string, unknown>;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("names every route the router serves, and nothing it does not", () => {
    // A route added with .get()/.post() instead of .openapi() is served but not documented, and fails here.
    const served = [
      ...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`)),
    ].sort();
    const documented = operations()
      .map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ":$1")}`)
      .sort();
    expect(documented).toEqual(served);
  });

  it("every body the document describes is refused by the router exactly where the document refuses it", async () => {
    const withBody = operations().filter((o) => o.op.requestBody);
    expect(withBody.map((o) => `${o.method} ${o.path}`).sort()).toEqual(Object.keys(VALID_BODIES).sort());
    let checked = 0;
    for (const { method, path, op } of withBody) {
      const schema = op.requestBody!.content["application/json"]!.schema;
      const valid = VALID_BODIES[`${method} ${path}`] as Record<string, unknown>;
      expect(documentSays(schema, valid), `${method} ${path}: the example fits the document: ${ajv.errorsText()}`).toBe(
        true,
      );
      const broken = breakages(schema, valid);
      expect(broken.length, `${method} ${path} has something to break`).toBeGreaterThan(0);
      for (const { field, body } of broken) {
        expect(documentSays(schema, body), `${method} ${path}: the document refuses ${JSON.stringify(body)}`).toBe(
          false,
        );
        const answer = await send(method, path, op, JSON.stringify(body));
        expect(answer, `${method} ${path} with ${JSON.stringify(body)}`).toMatchObject({
          status: 400,
          body: { error: "validation_failed", message: expect.stringContaining(field) },
        });
        documented(op, answer);
        checked++;
      }
      const malformed = await send(method, path, op, "{not json");
      expect(malformed, `${method} ${path} malformed`).toMatchObject({ status: 400, body: { error: "invalid_json" } });
      documented(op, malformed);
      const plain = await send(method, path, op, JSON.stringify(valid), "text/plain");
      expect(plain, `${method} ${path} as text/plain`).toMatchObject({
        status: 415,
        body: { error: "unsupported_media_type" },
      });
      documented(op, plain);
    }
    expect(checked).toBeGreaterThan(50);
  });

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "every route the OpenAPI document secures, without credentials, with a valid and a malformed body",
      evidence: "401 as documented, before the body is read; edge.refused rows per surface",
    },
    async () => {
      const secured = operations().filter((o) => o.op.security);
      expect(secured.length).toBeGreaterThan(20);
      const refusals = new Set<string>();
      for (const { method, path, op } of secured) {
        const valid = VALID_BODIES[`${method} ${path}`];
        const answer = await send(
          method,
          path,
          op,
          valid === undefined ? undefined : JSON.stringify(valid),
          "application/json",
          false,
        );
        expect(answer.status, `${method} ${path} without credentials`).toBe(401);
        documented(op, answer);
        refusals.add(`${SURFACES.find(([prefix]) => path.startsWith(prefix))![1]}.${answer.body.error}`);
        // Credentials before the body: an unauthenticated caller learns nothing of the schema (and is counted as a refusal).
        if (valid !== undefined)
          expect(
            (await send(method, path, op, "{not json", "application/json", false)).status,
            `${method} ${path} malformed, without credentials`,
          ).toBe(401);
      }
      // Each surface's refusals are in the audit log (aggregated per window: the first one writes its row).
      expect([...refusals].sort()).toEqual([
        "admin.unauthorized",
        "api.unauthorized",
        "console.unauthorized",
        "webhook.bad_signature",
        "widget.unauthorized",
      ]);
      const audited = new Set(
        (await t.audit()).filter((e) => e.event === "edge.refused" && e.decision === "refused").map((e) => e.op),
      );
      for (const kind of refusals) expect(audited, kind).toContain(kind);
      // And the routes it leaves open are open: no credentials, no 401.
      const health = operations().find((o) => o.path === "/healthz")!;
      expect((await send("GET", "/healthz", health.op, undefined, undefined, false)).status).toBe(200);
    },
  );

  it("is served at /openapi.json, and real answers match its schemas", async () => {
    const served = await t.api("/openapi.json", { key: null });
    expect(served.status).toBe(200);
    expect(served.body.paths).toEqual(JSON.parse(JSON.stringify(doc().paths)));
    expect(served.body.paths["/v1/tasks/{id}/complete"].post.security).toEqual([{ apiKey: [] }]);
    const task = await t.createTask({
      agent: "refund-agent",
      subject: { customerId: "cus_1005" },
      message: "refund ord_5006",
    });
    expect(TaskResponseSchema.safeParse(task).success).toBe(true);
    documented(served.body.paths["/v1/tasks"].post, { status: 201, body: task });
    const refused = await t.api("/v1/tasks", {
      body: { agent: "nobody-here", subject: { customerId: "cus_1005" }, message: "x" },
    });
    expect(ErrorBodySchema.safeParse(refused.body).success).toBe(true);
    documented(served.body.paths["/v1/tasks"].post, refused);
  });

  it("has a rendered reference page", async () => {
    const page = await t.sys.mf.dispatchFetch(new URL("/docs/", t.sys.url).href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/openapi.json");
  });
});
