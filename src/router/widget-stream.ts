import type { RouterEnv } from "./env.ts";
import { getTask } from "./tasks.ts";
import { database } from "../db/index.ts";

/**
 * Server-sent events for the chat widget. While a task runs, the stream polls
 * the task's conversation (hydrated for its own customer) and sends each new
 * agent or human reply as it appears, then the task's status.
 */
export interface StreamOptions {
  env: RouterEnv;
  taskId: string;
  since: number;
  /** Resolves when the run (or the wait) is over. */
  until: Promise<unknown>;
  /** Keep watching after `until` (a human may still answer), up to this many ms. */
  linger?: number;
}

const POLL_MS = 120;

export function conversationStream(opts: StreamOptions): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const send = (event: string, data: unknown) => writer.write(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  let finished = false;
  let failure: string | null = null;
  opts.until.then(
    () => (finished = true),
    (err: unknown) => {
      finished = true;
      failure = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "internal";
    },
  );
  (async () => {
    let since = opts.since;
    let lastStatus = "";
    let stopAt = Number.POSITIVE_INFINITY;
    await send("accepted", { taskId: opts.taskId });
    for (;;) {
      const res = await opts.env.PROXY.conversation(opts.taskId, since);
      if (res.ok) {
        for (const e of res.result.entries) if (e.role === "agent") await send("reply", { text: e.text, by: e.by.startsWith("human:") ? "human" : "agent" });
        since = res.result.next;
      }
      const row = await getTask(database(opts.env.DB), opts.taskId);
      const status = row ? `${row.status}|${row.assignee}` : "";
      if (row && status !== lastStatus) {
        lastStatus = status;
        await send("status", { status: row.status, human: row.assignee.startsWith("human:") });
      }
      if (row?.status === "completed") break;
      if (finished && stopAt === Number.POSITIVE_INFINITY) stopAt = Date.now() + (opts.linger ?? 0);
      if (finished && Date.now() >= stopAt) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (failure) await send("error", { error: failure });
    await send("done", { next: since });
  })()
    .catch(() => undefined)
    .finally(() => writer.close().catch(() => undefined));
  return readable;
}

export const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" };
