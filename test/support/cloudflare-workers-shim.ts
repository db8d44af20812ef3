/**
 * Node tests import Worker modules for their pure parts (the router's route
 * table, for one); those modules also export Durable Object classes. Only the
 * base classes' names are needed in Node: the classes run in workerd.
 */
export class DurableObject<Env = unknown> {
  readonly ctx: unknown;
  readonly env: Env;
  constructor(ctx: unknown, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}
export class WorkerEntrypoint<Env = unknown> {
  readonly ctx: unknown;
  readonly env: Env;
  constructor(ctx: unknown, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}
