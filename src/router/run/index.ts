import type { RouterEnv } from "../core/env.ts";
import type { FreshTask, RunStart, RunState } from "./state.ts";

/**
 * How many TaskRun objects hold the runs. A run is a row of one of them, by
 * its task id, so a task creates no Durable Object of its own: the shards
 * stay warm (a fresh object costs a database file, its directory's fsyncs
 * and an actor; docs/benchmarks.md). Changing it moves runs between
 * objects: a run in progress would be resumed by nobody, so it is fixed.
 */
export const RUN_SHARDS = 16;

/** The name of the TaskRun object that holds a task's run: a stable hash (FNV-1a) of the task id. */
export function runShard(taskId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) h = Math.imul(h ^ taskId.charCodeAt(i), 0x01000193);
  return `runs-${(h >>> 0) % RUN_SHARDS}`;
}

/** The durable run of a task: its row in one of the RUN_SHARDS TaskRun objects. */
export function runOf(env: RouterEnv, taskId: string) {
  const shard = env.TASK_RUN.get(env.TASK_RUN.idFromName(runShard(taskId)));
  const own = <T extends { taskId: string }>(start: T): T => {
    if (start.taskId !== taskId) throw new Error("a run starts for the task it is addressed to");
    return start;
  };
  return {
    run: (start: RunStart, fresh?: FreshTask, since?: number) => shard.run(own(start), fresh, since),
    begin: (start: RunStart) => shard.begin(own(start)),
    nudge: (start: RunStart) => shard.nudge(own(start)),
    status: () => shard.status(taskId),
    wait: (maxMs: number) => shard.wait(taskId, maxMs),
    adopt: (st: RunState) => shard.adopt(own(st)),
  };
}
