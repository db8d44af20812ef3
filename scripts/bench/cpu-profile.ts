/**
 * CPU profiles of Workers running in Miniflare's workerd, through the
 * DevTools protocol (the inspector Miniflare opens with `inspectorPort` and
 * `unsafeInspectorProxy`). Self time is summed by function and by source
 * module: esbuild's bundles mark each module with a `// path` comment line,
 * so a sample's line number names the module it ran in.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One Worker's DevTools session: a request/response channel over the WebSocket. */
class Session {
  #ws: WebSocket;
  #next = 1;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (e) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const w = msg.id === undefined ? undefined : this.#waiting.get(msg.id);
      if (!w) return;
      this.#waiting.delete(msg.id!);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result);
    });
  }

  static open(url: string): Promise<Session> {
    // A local origin: what Miniflare's inspector proxy admits (Node's WebSocket, undici, takes headers).
    const ws = new WebSocket(url, { headers: { origin: "http://localhost" } } as unknown as string[]);
    return new Promise((resolve, reject) => {
      ws.addEventListener("open", () => resolve(new Session(ws)), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    this.#ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) =>
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  close(): void {
    this.#ws.close();
  }
}

export interface Profiler {
  stop(): Promise<Map<string, Profile>>;
}

/** Start sampling (every `intervalUs`) in the named Workers (all when absent); stop() returns each one's profile. */
export async function startProfiling(inspector: URL, workers?: string[], intervalUs = 100): Promise<Profiler> {
  const list = (await (await fetch(new URL("/json", inspector.href.replace(/^ws/, "http")))).json()) as Array<{
    title: string;
    webSocketDebuggerUrl: string;
  }>;
  const sessions = new Map<string, Session>();
  const names = workers ?? list.map((t) => t.webSocketDebuggerUrl.split("/").pop()!);
  for (const name of names) {
    const target = list.find((t) => t.webSocketDebuggerUrl.endsWith(`/${name}`));
    if (!target) throw new Error(`no inspector for ${name} (have: ${list.map((t) => t.title).join(", ")})`);
    const s = await Session.open(target.webSocketDebuggerUrl);
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: intervalUs });
    await s.send("Profiler.start");
    sessions.set(name, s);
  }
  return {
    async stop() {
      const out = new Map<string, Profile>();
      for (const [name, s] of sessions) {
        out.set(name, (await s.send<{ profile: Profile }>("Profiler.stop")).profile);
        s.close();
      }
      return out;
    },
  };
}

export interface SelfTime {
  /** Total sampled time (ms) in this isolate's JavaScript, idle and (program) excluded. */
  busyMs: number;
  idleMs: number;
  byModule: Map<string, number>;
  byFunction: Map<string, number>;
  /** Samples times the interval over the profile's wall time: near 1 if the sampler kept its rate. */
  coverage: number;
}

/** Self time by module and by function; `bundle` is the Worker's bundled source (for the module of a line). */
export function selfTime(profile: Profile, bundle: string | undefined, intervalUs = 100): SelfTime {
  const moduleAt = moduleLines(bundle ?? "");
  // Samples times the interval, not timeDeltas: workerd samples an isolate only while it runs, so a
  // delta also holds the time the thread spent elsewhere, charged to whatever resumed next.
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + intervalUs / 1000);
  const r: SelfTime = {
    busyMs: 0,
    idleMs: 0,
    byModule: new Map(),
    byFunction: new Map(),
    coverage: (profile.samples.length * intervalUs) / Math.max(1, profile.endTime - profile.startTime),
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const f = node.callFrame;
    // (program): the thread outside this isolate's JavaScript (other isolates, workerd itself): not this Worker's own.
    if (f.functionName === "(idle)" || f.functionName === "(program)") {
      r.idleMs += ms;
      continue;
    }
    r.busyMs += ms;
    const mod = f.url ? moduleAt(f.lineNumber) : f.functionName || "(native)";
    add(r.byModule, mod, ms);
    add(r.byFunction, `${f.functionName || "(anonymous)"} ${f.url ? `${mod}` : ""}`.trim(), ms);
  }
  return r;
}

/** Line number (0-based) to the bundled module it belongs to, from esbuild's `// path` markers. */
function moduleLines(bundle: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  bundle.split("\n").forEach((text, i) => {
    const m = /^\/\/ ((?:src|node_modules|agents|tools|scripts|test)\/\S+)$/.exec(text);
    if (m) starts.push([i, packageOf(m[1]!)]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = "(bundle)";
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]![0] <= line) {
        found = starts[mid]![1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** node_modules/zod/v4/core/schemas.js → zod; src files keep their path. */
function packageOf(path: string): string {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1]! : path;
}

export function top(m: Map<string, number>, n: number): Array<[string, number]> {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
}
