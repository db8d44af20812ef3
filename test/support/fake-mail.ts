/**
 * A fake mail API over real HTTP in the Resend wire format: `POST /emails`
 * with a bearer key, JSON `{ from, to: [..], subject, text }` and an
 * `Idempotency-Key` header; 200 `{ id }`. Like the real one, a request that
 * repeats an idempotency key returns the first answer and sends nothing new.
 * Tests make it fail: `failNext` requests answer `failStatus` (503 by
 * default), `dropAfterAccept` requests are accepted and then the connection
 * is cut before the answer (a crash between the send and its record).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeMail {
  url: string;
  apiKey: string;
  /** Every request that reached the server, in order. */
  requests: Array<{ idempotencyKey: string | undefined; to: string[] }>;
  /** Messages actually sent (once per idempotency key). */
  delivered: Array<{ id: string; idempotencyKey: string; to: string[]; subject: string; text: string }>;
  failNext: number;
  failStatus: number;
  dropAfterAccept: number;
  close(): Promise<void>;
}

export async function startFakeMail(): Promise<FakeMail> {
  const fake = {
    apiKey: "re_test_fake_mail_key",
    requests: [],
    delivered: [],
    failNext: 0,
    failStatus: 503,
    dropAfterAccept: 0,
  } as unknown as FakeMail;
  const byKey = new Map<string, string>();
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    if (req.method !== "POST" || req.url !== "/emails") return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${fake.apiKey}`)
      return json(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    let body: { from?: string; to?: string[]; subject?: string; text?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, { statusCode: 400, name: "validation_error", message: "invalid JSON" });
    }
    const key = req.headers["idempotency-key"] as string | undefined;
    fake.requests.push({ idempotencyKey: key, to: body.to ?? [] });
    if (fake.failNext > 0) {
      fake.failNext--;
      // Real providers quote the recipient in errors: the proxy must not keep this text.
      return json(res, fake.failStatus, {
        statusCode: fake.failStatus,
        name: "application_error",
        message: `could not send to ${body.to?.[0]}`,
      });
    }
    if (!body.from || !body.to?.length || !body.subject || !key)
      return json(res, 422, { statusCode: 422, name: "validation_error", message: "missing field" });
    let id = byKey.get(key);
    if (!id) {
      id = `fake_${fake.delivered.length + 1}`;
      byKey.set(key, id);
      fake.delivered.push({ id, idempotencyKey: key, to: body.to, subject: body.subject, text: body.text ?? "" });
    }
    if (fake.dropAfterAccept > 0) {
      fake.dropAfterAccept--;
      return void res.destroy();
    }
    json(res, 200, { id });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

function json(res: import("node:http").ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
