/**
 * Bench-only Worker: scans the ~1 MB chat text inside workerd. One request
 * runs `rounds` full passes and answers when done. Node's clock around the
 * request is the figure: deployed Workers advance Date.now() and
 * performance.now() only on I/O (a Spectre mitigation), so a pure CPU loop
 * timed inside reads 0 there. Local workerd lets the clock run, so the
 * Worker's own timing is returned as a cross-check.
 */
import { baselinePass, chatMessages, scanPass } from "./chat-text.ts";

const { messages, bytes } = chatMessages();

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const mode = url.searchParams.get("mode") ?? "noop";
    const rounds = Math.min(Number(url.searchParams.get("rounds") ?? "1"), 200);
    const t0 = performance.now();
    let found = 0;
    for (let r = 0; r < rounds; r++) {
      if (mode === "scan") found = scanPass(messages);
      else if (mode === "regex") found = baselinePass(messages);
    }
    // A cross-check only; the figures use Node's clock (see above).
    const innerMs = performance.now() - t0;
    return Response.json({ mode, rounds, bytes, messages: messages.length, found, innerMs });
  },
};
