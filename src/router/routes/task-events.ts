import type { RouterEnv } from "../core/env.ts";
import { runEnded } from "../lifecycle/index.ts";
import { conversationStream } from "./widget-stream.ts";

/** How long one events stream follows a run before the client reconnects with `since`. */
const STREAM_MS = 55_000;

/**
 * The task API's event stream: the conversation stream the widget uses
 * (`reply` events as the vault writes them, then `status` and `done`),
 * following the task's durable run until it ends or parks. A client that
 * disconnects loses nothing: the run goes on, and `?since=` resumes.
 */
export function taskEventStream(env: RouterEnv, taskId: string, since: number): ReadableStream<Uint8Array> {
  return conversationStream({ env, taskId, since, until: runEnded(env, taskId, STREAM_MS) });
}
