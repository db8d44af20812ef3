import type { RouterEnv } from "../core/env.ts";

/** The durable run of a task: one TaskRun Durable Object per task id. */
export function runOf(env: RouterEnv, taskId: string) {
  return env.TASK_RUN.get(env.TASK_RUN.idFromName(taskId));
}
