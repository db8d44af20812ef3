/**
 * The task lifecycle: the one way to start, continue, hand over and end a
 * task, called by every channel (the API routes, the widget, webhooks, the
 * console). A channel authenticates and translates its transport; what a
 * task may do next, and the writes that record it, live here.
 *
 *   start     startTask      row + task.created in one batch, message to the vault, durable run
 *   continue  continueTask   the next customer turn (customerTurn: whoever holds the task)
 *   hand off  src/router/dispatch/dispatch.ts and handover.ts, driven by the run (src/router/run/)
 *   take      takeTask       a person takes a queued task: one guarded batch decides who
 *   hand back handBackTask   the holder gives it to an agent: one guarded batch, then a run
 *   complete  completeTask   vault first, then task.completed (or awaiting_approval)
 *   fail      failTask       a task that could not run is closed with its reason
 *   expire    expireIfDue    vault wiped, then status and task.expired in one guarded batch
 *   read      requireTask, taskResponse, runEnded (what a stream follows)
 */
export { completeTask, finishIfDecided } from "./complete.ts";
export { expireDueTasks, expireIfDue } from "./expire.ts";
export { handBackTask, type Person, takeTask } from "./human.ts";
export { requireTask, runEnded, taskResponse } from "./read.ts";
export { failTask, type RunMode, type StartTask, startTask } from "./start.ts";
export { continueTask, customerTurn } from "./turn.ts";
