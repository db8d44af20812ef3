/**
 * CPU time of a chain's workerd processes, from /proc (Linux): the user and
 * system time the kernel charged them. Unlike tasks/s or p50 it hardly
 * depends on what else the machine runs, so it says what a task costs even
 * when the wall clock is noisy. Each chain runs in its own workerd, found as
 * the workerd processes under this Node process that appeared when it booted.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_S = 100; // USER_HZ on Linux

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function stat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")");
    const comm = s.slice(s.indexOf("(") + 1, close);
    const f = s.slice(close + 2).split(" "); // f[0] is the state, field 3 of stat(5)
    return { pid, ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // gone, or not Linux
  }
}

/** Every workerd process descended from this one (empty where /proc is missing). */
export function workerdPids(): Set<number> {
  let all: Stat[];
  try {
    all = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .flatMap((d) => stat(Number(d)) ?? []);
  } catch {
    return new Set();
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return new Set(all.filter((p) => p.comm === "workerd" && mine.has(p.pid) && p.pid !== process.pid).map((p) => p.pid));
}

/** The workerd processes that `boot` started (those under us after it that were not before). */
export async function bootWatched<T>(boot: () => Promise<T>): Promise<{ value: T; pids: number[] }> {
  const before = workerdPids();
  const value = await boot();
  return { value, pids: [...workerdPids()].filter((p) => !before.has(p)) };
}

/** CPU milliseconds charged so far to `pids`. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += stat(pid)?.ticks ?? 0;
  return (ticks * 1000) / TICKS_PER_S;
}
