/** Start, talk to and kill the system-under-load process (scripts/load/server.ts). */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../tools/local/system.ts";

export interface Runtime {
  url: string;
  child: ChildProcess;
}

export async function startRuntime(env: Record<string, string>): Promise<Runtime> {
  // Its own process group, so a crash takes the node process and its workerd together.
  const child = spawn(process.execPath, [join(ROOT, "scripts/load/server.ts")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    detached: true,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the runtime exited (${code}) before it was ready`)));
  });
  return { url, child };
}

/** A hard crash: no shutdown, no flush, the process and its workerd are gone. */
export async function killRuntime(rt: Runtime): Promise<void> {
  const gone = new Promise((r) => rt.child.once("exit", r));
  // The whole process group: the node process and the workerd it spawned.
  process.kill(-rt.child.pid!, "SIGKILL");
  await gone;
}

export async function stopRuntime(rt: Runtime): Promise<void> {
  const gone = new Promise((r) => rt.child.once("exit", r));
  rt.child.kill("SIGTERM");
  await gone;
}

let seq = 0;
/** Run a read-only SQL query against the runtime's D1. */
export function query<T = Record<string, unknown>>(rt: Runtime, sql: string): Promise<T[]> {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const onMessage = (m: { id: number; rows?: T[]; error?: string }) => {
      if (m.id !== id) return;
      rt.child.off("message", onMessage);
      if (m.error) reject(new Error(m.error));
      else resolve(m.rows ?? []);
    };
    rt.child.on("message", onMessage);
    rt.child.send({ id, sql });
  });
}

export function client(url: string, apiKey: string) {
  return async (
    path: string,
    init: { method?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(new URL(path, url), {
      method: init.method ?? (init.body ? "POST" : "GET"),
      headers: { authorization: `Bearer ${init.key ?? apiKey}`, "content-type": "application/json", ...init.headers },
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body };
  };
}
