import { database } from "../../db/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { getTask } from "../core/task-rows.ts";

/**
 * Server-sent events for the chat widget. The task's vault pushes each new
 * conversation entry the moment it is written (Vault.watch, through the
 * proxy), hydrated for its own customer; this turns agent and human replies
 * into `reply` events, then sends the task's `status` and `done`.
 *
 * Locally every Worker shares one workerd event loop, and a run's back-to-back
 * in-process D1 and Durable Object work can hold the flush of these events
 * until the run pauses; deployed, each Worker runs on its own and events leave
 * as they are written.
 */
export interface StreamOptions {
  env: RouterEnv;
  taskId: string;
  since: number;
  /** Resolves when the run (or the wait) is over. */
  until: Promise<unknown>;
  /** Keep listening after `until` (a person may still answer), up to this many ms. */
  linger?: number;
}

interface Line {
  index: number;
  role: string;
  by: string;
  text: string;
}

export function conversationStream(opts: StreamOptions): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  // A native byte stream: the runtime pumps it to the client as chunks arrive.
  const { readable, writable } = new IdentityTransformStream();
  const writer = writable.getWriter();
  const send = (event: string, data: unknown) =>
    writer.write(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  let next = opts.since;
  const emit = async (line: Line) => {
    if (line.index < next) return;
    next = line.index + 1;
    if (line.role === "agent")
      await send("reply", { text: line.text, by: line.by.startsWith("human:") ? "human" : "agent" });
  };
  (async () => {
    await send("accepted", { taskId: opts.taskId });
    const { failure, vaultClosed } = await followUntil(opts, emit);
    // Catch up on anything the live stream had not delivered yet.
    const start = next;
    const rest = await opts.env.PROXY.conversation(opts.taskId, start);
    if (rest.ok) for (const [i, e] of rest.result.entries.entries()) await emit({ index: start + i, ...e });
    const row = await finalRow(opts, vaultClosed);
    if (row) await send("status", { status: row.status, human: row.assignee.startsWith("human:") });
    if (failure) await send("error", { error: failure });
    await send("done", { next });
  })()
    .catch(() => undefined)
    .finally(() => writer.close().catch(() => undefined));
  return readable;
}

/**
 * The task row to report. A closed vault means the task is being completed:
 * the router wipes the vault first and writes the row right after, so wait
 * (briefly, bounded) for the row to say so rather than report a stale status.
 */
async function finalRow(opts: StreamOptions, vaultClosed: boolean) {
  const db = database(opts.env.DB);
  let row = await getTask(db, opts.taskId);
  for (let i = 0; vaultClosed && row && (row.status === "open" || row.status === "queued_human") && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 25));
    row = await getTask(db, opts.taskId);
  }
  return row;
}

/** Read the vault's live lines until the run is over (plus linger) or the vault closes. */
async function followUntil(
  opts: StreamOptions,
  emit: (l: Line) => Promise<void>,
): Promise<{ failure: string | null; vaultClosed: boolean }> {
  let failure: string | null = null;
  const over = opts.until.then(
    () => null,
    (err: unknown) =>
      (failure =
        err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "internal"),
  );
  const deadline = over.then(() => new Promise<void>((r) => setTimeout(r, opts.linger ?? 0)));
  const source = await opts.env.PROXY.watch(opts.taskId, opts.since);
  const reader = source.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let vaultClosed = false;
  for (;;) {
    const step = await Promise.race([reader.read(), deadline.then(() => "stop" as const)]);
    if (step === "stop") break;
    if (step.done) {
      vaultClosed = true;
      break;
    }
    buffer += step.value;
    let cut: number;
    while ((cut = buffer.indexOf("\n")) >= 0) {
      await emit(JSON.parse(buffer.slice(0, cut)) as Line);
      buffer = buffer.slice(cut + 1);
    }
  }
  await reader.cancel().catch(() => undefined);
  await over;
  return { failure, vaultClosed };
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
};
